/** Test network namespaces: created by the test, torn down after; all traffic stays inside them. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export const hasCommand = (command: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Why a namespace test cannot run here, or undefined when it can. */
export const netnsUnavailable = (commands: readonly string[] = []): string | undefined => {
  if (!isRoot) return 'needs root for network namespaces (runs as root in CI)';
  const missing = ['ip', ...commands].filter((command) => !hasCommand(command));
  return missing.length === 0 ? undefined : `missing commands: ${missing.join(', ')} (installed by .ci/run)`;
};

export type Netns = {
  name: string;
  exec(command: string, args: string[], options?: { timeoutMs?: number; input?: string }): string;
  spawn(command: string, args: string[]): ChildProcess;
  destroy(): void;
};

export const createNetns = (prefix = 'mw'): Netns => {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', name]);
  execFileSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  const children: ChildProcess[] = [];
  return {
    name,
    exec: (command, args, options = {}) =>
      execFileSync('ip', ['netns', 'exec', name, command, ...args], {
        timeout: options.timeoutMs ?? 20_000,
        input: options.input ?? '',
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    spawn: (command, args) => {
      const child = spawn('ip', ['netns', 'exec', name, command, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      return child;
    },
    destroy: () => {
      for (const child of children) child.kill('SIGKILL');
      try {
        const pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean);
        for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // the namespace may already be empty
      }
      execFileSync('ip', ['netns', 'del', name]);
    },
  };
};

/** Polls until a TCP port is listening inside the namespace. */
export const waitForListen = async (ns: Netns, port: number, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const out = ns.exec('ss', ['-Hltn', `sport = :${port}`]);
    if (out.trim() !== '') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listening on port ${port} in ${ns.name} after ${timeoutMs} ms`);
};

/** Polls until something listens on a UDP address and port inside the namespace. */
export const waitForUdp = async (ns: Netns, address: string, port: number): Promise<void> => {
  for (let i = 0; i < 200; i++) {
    if (ns.exec('ss', ['-Hlun', 'src', `${address}:${port}`]).trim() !== '') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listening on udp ${address}:${port} in ${ns.name}`);
};
