/** A real local control plane for CLI tests: the local HTTPS host serving every function, on a free port. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudFunctions } from '#functions/index.ts';
import { createLocalServer } from '#functions/local/server.ts';
import { ensureTlsMaterial } from '#functions/local/tls-material.ts';
import { silentLogger } from '#functions/platform/logger.ts';
import { createLocalRuntime, type Runtime, setRuntime } from '#functions/platform/runtime.ts';

export type TestControlPlane = { runtime: Runtime; dataDir: string; url: string; close(): Promise<void> };

export const startControlPlane = async (): Promise<TestControlPlane> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meshward-cli-'));
  const runtime = await createLocalRuntime({ dataDir, log: silentLogger });
  setRuntime(runtime);
  const tls = await ensureTlsMaterial(dataDir, 'meshward');
  const server = createLocalServer({ functions: cloudFunctions, tls, logger: silentLogger });
  const port = await server.listen(0, '127.0.0.1');
  return {
    runtime,
    dataDir,
    url: `https://127.0.0.1:${port}`,
    close: async () => {
      await server.close();
      setRuntime(undefined);
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

export const captureIo = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
};
