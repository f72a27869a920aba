/**
 * Vitest global setup: each run gets a temporary directory of its own (TMPDIR, so `os.tmpdir()` in the tests and in
 * the processes they start), and the run fails if a test left anything in it. A private directory, not a before/after
 * look at /tmp: other runs on the machine share /tmp, and their files are not this run's leaks.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

let runDir = '';
let previous: string | undefined;
/** Each project (vitest.config.ts) calls the setup: the first makes the directory, and it alone checks and removes it. */
let owner = false;

export const setup = (): void => {
  if (process.env.MESHWARD_TEST_RUN_DIR !== undefined) return;
  owner = true;
  previous = process.env.TMPDIR;
  runDir = mkdtempSync(join(tmpdir(), 'meshward-test-run-'));
  // Like /tmp: servers the tests start as other users (nobody, ftp) make their files here too.
  chmodSync(runDir, 0o1777);
  process.env.TMPDIR = runDir;
  process.env.MESHWARD_TEST_RUN_DIR = runDir;
};

/** tsx's compile cache (`tsx-<uid>`), which every `meshward` child process fills: a cache, not a leak. */
const isCache = (name: string): boolean => name === `tsx-${userInfo().uid}`;

export const teardown = (): void => {
  if (!owner) return;
  owner = false;
  delete process.env.MESHWARD_TEST_RUN_DIR;
  const left = readdirSync(runDir).filter((name) => !isCache(name));
  rmSync(runDir, { recursive: true, force: true });
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  if (left.length === 0) return;
  // Vitest only logs an error thrown here, so the exit code is set by hand.
  process.exitCode = 1;
  console.error(
    `\nFAIL: tests left ${left.length} temporary entries behind (now removed); remove them where they are made:\n  ${left.join('\n  ')}\n`,
  );
};
