/** The tap's local HTTP endpoint: `/healthz` (liveness), `/readyz` (readiness) and `/metrics` (Prometheus text). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HealthCheck = () => { ok: boolean; reason?: string };

export type HealthServerOptions = {
  live: HealthCheck;
  ready: HealthCheck;
  metrics: () => string;
};

const answer = (check: ReturnType<HealthCheck>) =>
  check.ok ? { status: 200, body: 'ok\n' } : { status: 503, body: `${check.reason ?? 'not ok'}\n` };

export const createHealthServer = (options: HealthServerOptions) => {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
        .end(options.metrics());
      return;
    }
    const check = path === '/healthz' ? options.live : path === '/readyz' ? options.ready : undefined;
    if (check === undefined) {
      res.writeHead(404).end('not found\n');
      return;
    }
    const { status, body } = answer(check());
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
  });
  return {
    listen: (port: number, host = '0.0.0.0') =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
