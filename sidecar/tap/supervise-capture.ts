/** Keeps a capture process running: feeds its stdout to a consumer, restarts it with backoff when it dies. */
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { type BackoffOptions, backoffDelay } from '../report/backoff-delay.ts';
import { realSleep } from '../report/real-sleep.ts';

export type CaptureProcess = Pick<ChildProcess, 'pid' | 'kill' | 'once' | 'exitCode' | 'signalCode'> & {
  stdout: Readable | null;
  stderr: Readable | null;
};

export type SupervisorOptions = {
  start: () => CaptureProcess;
  /** Reads one process's stdout (one pcap stream) until it ends. */
  consume: (stdout: Readable) => Promise<void>;
  backoff?: BackoffOptions;
  /** A run at least this long resets the backoff. */
  healthyAfterMs?: number;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  onStart?: (pid: number | undefined) => void;
  /** tcpdump said "listening on …" on stderr: packets from now on are seen (spawned is not yet capturing). */
  onListening?: (pid: number | undefined) => void;
  onExit?: (event: {
    pid: number | undefined;
    code: number | null;
    signal: string | null;
    stderr: string;
  }) => void;
};

export type SupervisorStats = { starts: number; restarts: number; lastDelayMs: number };

const exited = (child: CaptureProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code: number | null, signal: string | null) => resolve({ code, signal }));
    // A process that could not be spawned (no tcpdump, no permission) emits 'error' and maybe never 'exit'.
    child.once('error', () => resolve({ code: -1, signal: null }));
  });

const listeningLine = /listening on /;

const collectStderr = (child: CaptureProcess, onListening: () => void): (() => string) => {
  let text = '';
  let heard = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-2048);
    if (!heard && listeningLine.test(text)) {
      heard = true;
      onListening();
    }
  });
  return () => text;
};

export const superviseCapture = (options: SupervisorOptions) => {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const backoff = options.backoff ?? { baseMs: 250, maxMs: 30_000 };
  const stats: SupervisorStats = { starts: 0, restarts: 0, lastDelayMs: 0 };
  let current: CaptureProcess | undefined;
  let listening = false;
  let failures = 0;

  const runOnce = async () => {
    const child = options.start();
    current = child;
    stats.starts += 1;
    options.onStart?.(child.pid);
    const stderr = collectStderr(child, () => {
      listening = true;
      options.onListening?.(child.pid);
    });
    const startedAt = now();
    const done = exited(child);
    await Promise.all([
      child.stdout === null ? Promise.resolve() : options.consume(child.stdout).catch(() => {}),
      done,
    ]);
    const { code, signal } = await done;
    listening = false;
    options.onExit?.({ pid: child.pid, code, signal, stderr: stderr() });
    failures = now() - startedAt >= (options.healthyAfterMs ?? 30_000) ? 0 : failures + 1;
  };

  const run = async (signal: AbortSignal) => {
    const stop = () => current?.kill('SIGTERM');
    signal.addEventListener('abort', stop, { once: true });
    while (!signal.aborted) {
      await runOnce();
      if (signal.aborted) break;
      stats.lastDelayMs = backoffDelay(Math.max(0, failures - 1), backoff, options.random ?? Math.random);
      stats.restarts += 1;
      await sleep(stats.lastDelayMs, signal);
    }
    signal.removeEventListener('abort', stop);
  };

  return { run, stats: () => ({ ...stats }), current: () => current, listening: () => listening };
};
