/** A real local runtime (SQLite in a temp dir, in-process bus, local issuer) injected for handler tests. */
import { onTestFinished } from 'vitest';
import type { LearnConfig } from '#functions/learn/learn-config.ts';
import { silentLogger } from '#functions/platform/logger.ts';
import { createLocalRuntime, type Runtime, setRuntime } from '#functions/platform/runtime.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

/** Call it inside a test: the runtime is closed, and its directory removed, when the test finishes. */
export const localRuntime = async (learn: Partial<LearnConfig> = {}): Promise<Runtime> => {
  const dataDir = tempDir('meshward-runtime-');
  const runtime = await createLocalRuntime({ dataDir, learn, log: silentLogger });
  onTestFinished(async () => {
    await runtime.idle();
    await runtime.close();
  });
  setRuntime(runtime);
  return runtime;
};
