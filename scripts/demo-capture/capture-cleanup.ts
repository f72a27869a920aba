/**
 * What the demo capture makes (processes, network namespaces, directories), and its removal: once, whether the capture
 * succeeds, fails or is interrupted.
 */
import { type ChildProcess, execFileSync, type StdioOptions, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { constants } from 'node:os';

const children: ChildProcess[] = [];
const namespaces: string[] = [];
const directories: string[] = [];
let cleaned: Promise<void> | undefined;

/** A network namespace to delete, with what runs in it and its /etc/netns directory. */
export const recordNamespace = (ns: string): void => {
  namespaces.push(ns);
};

export const recordDirectory = (dir: string): void => {
  directories.push(dir);
};

/** Starts a process in a namespace, recorded for cleanup; once cleanup has begun, nothing new starts. */
export const startIn = (
  ns: string,
  argv: string[],
  options: { stdio: StdioOptions; cwd: string },
): ChildProcess => {
  if (cleaned !== undefined) throw new Error('the capture is being cleaned up: nothing new starts');
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], options);
  children.push(child);
  return child;
};

/** Runs a step of the cleanup whose object may be gone already (a process that exited, a namespace never made). */
const quietly = (step: () => unknown): void => {
  try {
    step();
  } catch {
    // already gone
  }
};

/**
 * Kills what still runs in a namespace (a service's own children, such as tsx's esbuild) and deletes it. Each kill on
 * its own: one process that exits between the listing and its kill must not keep the namespace from being deleted.
 */
const deleteNamespace = (ns: string): void => {
  quietly(() => {
    for (const pid of execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: 'pipe' })
      .split('\n')
      .filter(Boolean))
      quietly(() => process.kill(Number(pid), 'SIGKILL'));
  });
  quietly(() => execFileSync('ip', ['netns', 'del', ns], { stdio: 'pipe' }));
  rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
};

/**
 * Kills what the capture started and removes its namespaces and directories, all before anything else can run, then
 * waits until the killed processes have exited, so that none outlives the script.
 */
const removeEverything = async (): Promise<void> => {
  const running = children.filter(
    (child) => child.pid !== undefined && child.exitCode === null && child.signalCode === null,
  );
  const exited = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGKILL');
  for (const ns of namespaces) deleteNamespace(ns);
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
  await Promise.all(exited);
};

/** Cleans up once: a failure and a signal, or two signals, share the one cleanup. */
export const cleanup = (): Promise<void> => {
  cleaned ??= removeEverything();
  return cleaned;
};

/**
 * Interrupted (Ctrl-C, kill): everything goes too, then the process ends with the status a shell gives a process the
 * signal ended. `on`, not `once`: a second Ctrl-C during cleanup must not cut it short. Whatever step the capture was
 * at then fails (its namespace or file is gone) after this exit was queued, so the status is the signal's.
 */
export const cleanUpOnSignals = (): void => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => {
      void cleanup().then(() => process.exit(128 + constants.signals[signal]));
    });
};
