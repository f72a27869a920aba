/**
 * `meshward inspect` alone, the entry of its esbuild bundle (build-inspect-bundle.ts): bin/meshward.js runs it
 * instead of the TypeScript sources when the bundle is at least as new as every file it was built from, so the
 * command starts in a fraction of the time tsx takes to load the sources.
 */
import { inspectCommand } from './commands/inspect.ts';
import { processIo, runCommand } from './run-command.ts';

export const runInspect = (argv: string[]): Promise<number> =>
  runCommand(['inspect', ...argv], processIo, [inspectCommand]);
