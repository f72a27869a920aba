import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthServer } from '#sidecar/health/health-server.ts';
import { createTapMetrics } from '#sidecar/health/tap-metrics.ts';

describe('createHealthServer', () => {
  const metrics = createTapMetrics();
  let ready = false;
  const server = createHealthServer({
    live: () => ({ ok: true }),
    ready: () => (ready ? { ok: true } : { ok: false, reason: 'capture not started' }),
    metrics: metrics.render,
  });
  let base = '';
  beforeAll(async () => {
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(() => server.close());

  it('answers liveness, and readiness only once ready', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect([notReady.status, await notReady.text()]).toEqual([503, 'capture not started\n']);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('serves the counters in Prometheus text format', async () => {
    metrics.add('meshward_tap_packets_total', 42);
    metrics.add('meshward_tap_findings_dropped_total', 3);
    metrics.set('meshward_tap_quarantined', 1);
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toContain('# TYPE meshward_tap_packets_total counter\nmeshward_tap_packets_total 42\n');
    expect(text).toContain('meshward_tap_findings_dropped_total 3\n');
    expect(text).toContain('# TYPE meshward_tap_quarantined gauge\nmeshward_tap_quarantined 1\n');
    // Every sample line is `name value` and every metric has HELP and TYPE (the exposition format's rules).
    for (const line of text.trimEnd().split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE) meshward_tap_\w+ .+|meshward_tap_\w+ \d+)$/);
    expect(metrics.snapshot()).toMatchObject({ packets_total: 42, quarantined: 1 });
  });
});
