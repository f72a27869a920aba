/** Stops a daemon a test started: SIGTERM (it then stops its own children), and a moment to exit before teardown. */
import type { ChildProcess } from 'node:child_process';

export const stopChild = async (child: ChildProcess | undefined, graceMs = 3_000): Promise<void> => {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
};
