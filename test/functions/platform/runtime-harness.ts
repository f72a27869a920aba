/** A real local runtime (SQLite in a temp dir, in-process bus, local issuer) injected for handler tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LearnConfig } from '#functions/learn/learn-config.ts';
import { silentLogger } from '#functions/platform/logger.ts';
import { createLocalRuntime, type Runtime, setRuntime } from '#functions/platform/runtime.ts';

export const localRuntime = async (learn: Partial<LearnConfig> = {}): Promise<Runtime> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meshward-runtime-'));
  const runtime = await createLocalRuntime({ dataDir, learn, log: silentLogger });
  setRuntime(runtime);
  return runtime;
};
