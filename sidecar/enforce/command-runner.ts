/** Runs a program with optional stdin and returns its outcome as a value; tests wrap it in `ip netns exec`. */
import { spawn } from 'node:child_process';

export type RunResult = { code: number; stdout: string; stderr: string };
export type CommandRunner = (argv: readonly string[], input?: string) => Promise<RunResult>;

export const runCommand: CommandRunner = (argv, input) =>
  new Promise((resolve) => {
    const [program, ...args] = argv;
    // iptables-legacy takes a lock under /run, which a read-only root filesystem lacks: keep it in /tmp.
    const env = { ...process.env, XTABLES_LOCKFILE: process.env.XTABLES_LOCKFILE ?? '/tmp/xtables.lock' };
    const child = spawn(program ?? 'false', args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) => resolve({ code: 127, stdout, stderr: error.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });

/** The same runner, but every program runs inside a network namespace. */
export const inNetns =
  (namespace: string, run: CommandRunner = runCommand): CommandRunner =>
  (argv, input) =>
    run(['ip', 'netns', 'exec', namespace, ...argv], input);
