/** `meshward serve`'s demo: on a data directory without pods, replays the bundled capture through emulated taps. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '#functions/platform/logger.ts';
import { getRuntime } from '#functions/platform/runtime.ts';
import { bundledDemoDir } from '../demo/demo-manifest.ts';
import { type DemoReplay, startDemoReplay } from '../demo/demo-replay.ts';

const localAddress = (host: string): string =>
  host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

export const startServeDemo = async (
  port: number,
  host: string,
  ca: string,
  log: Logger,
  dir = bundledDemoDir,
): Promise<DemoReplay | undefined> => {
  const runtime = await getRuntime();
  if ((await runtime.store.listPods()).length > 0) return undefined;
  if (!existsSync(join(dir, 'pods.json'))) {
    log('warn', 'demo: no bundled capture to replay', { dir });
    return undefined;
  }
  const issuer = runtime.issuer;
  if (issuer === undefined) return undefined;
  log(
    'info',
    'demo: replaying the bundled Bookinfo capture through emulated taps; this is DEMO DATA (turn it off with --no-demo, or npm start -- --no-demo)',
    { dir },
  );
  try {
    return startDemoReplay({
      dir,
      url: `https://${localAddress(host)}:${port}`,
      ca,
      issuer,
      idle: () => runtime.idle(),
      log,
    });
  } catch (error) {
    log('error', 'demo: cannot replay', { error: String(error) });
    return undefined;
  }
};
