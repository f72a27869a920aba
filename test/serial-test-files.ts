/**
 * The test files that run one at a time (vitest.config.ts): those that start real servers or tools, make network
 * namespaces, capture with tcpdump or need root. Found by what they import or call, so a new real test joins the
 * serial group without a list to keep.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a serial test uses: the namespace, root and capture helpers, nDPI, or a check for an installed command. */
const marks = /\b(?:netnsUnavailable|createNetns|isRoot|captureInNamespace|ndpiAvailable|hasCommand)\b/;

const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });

/** The serial test files under `root`, as paths relative to the project (`test/...`). */
export const serialTestFiles = (root: string): string[] =>
  testFiles(root).filter((path) => marks.test(readFileSync(path, 'utf8')));
