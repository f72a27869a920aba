/**
 * `npm run demo:capture` leaves nothing behind when it fails part-way or is stopped: no temporary directory, network
 * namespace, /etc/netns entry or process. The script runs in a session of its own (its daemons stay in it, orphaned
 * or not) with a TMPDIR of its own, so what it leaves is told apart from what other tests on the machine make.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { netnsUnavailable } from '#test/helpers/netns.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const unavailable = netnsUnavailable(['tcpdump', 'dnsmasq', 'redis-server', 'openssl', 'curl', 'ss']);
const root = join(import.meta.dirname, '..', '..', '..');
const script = join(root, 'scripts', 'demo-capture', 'capture.ts');

type Capture = { child: ChildProcess; exited: Promise<number | string>; errors: () => string };

const startCapture = (args: string[], env: Record<string, string>): Capture => {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    detached: true,
    // Its errors, and its servers' (they inherit it); what they log on stdout is not needed.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  return { child, exited, errors: () => errors };
};

/** The processes of a session (`detached` made the script its leader): state and command line, for the report. */
const sessionProcesses = (session: number): { pid: number; state: string; comm: string; process: string }[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        // pid (comm) state ppid pgrp session …: comm may hold spaces and parentheses, so count from its end.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [state = '', , , sid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(sid) !== session) return [];
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
        return [
          {
            pid: Number(pid),
            state,
            comm,
            process: `${pid} ${state} ${command === '' ? `(${comm})` : command}`,
          },
        ];
      } catch {
        return []; // gone while being read
      }
    });

const demoNamespaces = (): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith('mwdemo-'));

/**
 * Not left behind: a zombie (it has exited; init collects its status) and tsx's esbuild service, which ends when the
 * node process that started it ends (the script's own outlives it by a moment). A service left running still shows.
 */
const running = (session: number): string[] =>
  sessionProcesses(session)
    .filter((p) => p.state !== 'Z' && p.comm !== 'esbuild')
    .map((p) => p.process);

const leftovers = (tmp: string, session: number) => ({
  // tsx-<uid> is tsx's compile cache, which every node process the script starts fills: not the script's.
  files: readdirSync(tmp).filter((name) => !name.startsWith('tsx-')),
  namespaces: demoNamespaces(),
  netnsConfig: existsSync('/etc/netns')
    ? readdirSync('/etc/netns').filter((n) => n.startsWith('mwdemo-'))
    : [],
  processes: running(session),
});
const nothing = { files: [], namespaces: [], netnsConfig: [], processes: [] };

/** After the test: removes what a failing script left (the script too), so a red test leaves the machine clean. */
const sweep = (session: number) => {
  for (const { pid } of sessionProcesses(session)) process.kill(pid, 'SIGKILL');
  for (const ns of demoNamespaces()) execFileSync('ip', ['netns', 'del', ns]);
  for (const name of existsSync('/etc/netns') ? readdirSync('/etc/netns') : [])
    if (name.startsWith('mwdemo-')) rmSync(join('/etc/netns', name), { recursive: true, force: true });
};

/** Waits (polling /proc) until the load generator runs: every daemon and server has started by then. */
const loadgenRunning = async (capture: Capture, session: number): Promise<void> => {
  let exited = false;
  void capture.exited.then(() => {
    exited = true;
  });
  while (!sessionProcesses(session).some((p) => p.process.endsWith('bookinfo-service.ts loadgen'))) {
    if (exited) throw new Error(`the capture ended before its load generator ran:\n${capture.errors()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

describe.skipIf(unavailable !== undefined)(
  `demo capture cleanup${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('leaves nothing behind when it fails part-way: curl fails after every daemon has started', async () => {
      const tmp = tempDir('demo-capture-tmp-');
      const bin = tempDir('demo-capture-bin-');
      writeFileSync(join(bin, 'curl'), '#!/bin/sh\necho "curl: refused by the test" >&2\nexit 7\n', {
        mode: 0o755,
      });
      // --duration-ms 0: the load generator stops at once, and the incident's curl comes next.
      const capture = startCapture(['--duration-ms', '0'], {
        TMPDIR: tmp,
        PATH: `${bin}:${process.env.PATH}`,
      });
      const session = capture.child.pid ?? 0;
      onTestFinished(() => sweep(session));
      expect(await capture.exited).toBe(1);
      expect(capture.errors()).toContain('curl: refused by the test');
      expect(leftovers(tmp, session)).toEqual(nothing);
    }, 120_000);

    it('leaves nothing behind when it is stopped with SIGTERM while the load generator runs', async () => {
      const tmp = tempDir('demo-capture-tmp-');
      const capture = startCapture(['--duration-ms', '600000'], { TMPDIR: tmp });
      const session = capture.child.pid ?? 0;
      onTestFinished(() => sweep(session));
      await loadgenRunning(capture, session);
      process.kill(session, 'SIGTERM');
      expect(await capture.exited).toBe(143); // 128 + SIGTERM's 15, as a shell reports a process it ended
      expect(leftovers(tmp, session)).toEqual(nothing);
    }, 120_000);
  },
);
