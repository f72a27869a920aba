/** `meshward serve`'s demo: on loopback, with a data directory without pods, replays the bundled capture through emulated taps. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '#functions/platform/logger.ts';
import { getRuntime } from '#functions/platform/runtime.ts';
import { bundledDemoDir } from '../demo/demo-manifest.ts';
import { type DemoReplay, startDemoReplay } from '../demo/demo-replay.ts';

const localAddress = (host: string): string => (host.includes(':') ? `[${host}]` : host);

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host.startsWith('127.');

/**
 * Demo data must never land in a control plane real taps report to: it is replayed only on a loopback address
 * (what `npm start` binds) and never inside a pod (the in-cluster Deployment binds 0.0.0.0 anyway).
 */
export const demoRefusal = (host: string, env: NodeJS.ProcessEnv): string | undefined => {
  if (env.KUBERNETES_SERVICE_HOST !== undefined) return 'running inside a Kubernetes pod';
  return isLoopback(host) ? undefined : `bound to ${host}, not a loopback address`;
};

export const startServeDemo = async (
  port: number,
  host: string,
  ca: string,
  log: Logger,
  dir = bundledDemoDir,
): Promise<DemoReplay | undefined> => {
  const reason = demoRefusal(host, process.env);
  if (reason !== undefined) {
    log('info', `demo: not replayed (${reason})`);
    return undefined;
  }
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
