import { describe, expect, it } from 'vitest';
import type { Header, HttpResponseEvent } from '#sidecar/events.ts';
import { httpAuthBruteForce } from '#sidecar/threats/http-auth-brute-force.ts';
import { flow, runThreat } from './threat-factories.ts';

const response = (status: number, ts: number, headers: Header[] = []): HttpResponseEvent => ({
  kind: 'http-response',
  ts,
  direction: 'to-client',
  version: '1.1',
  status,
  headers,
  body: new Uint8Array(0),
  bodyTruncated: false,
});

const every = (n: number, status: number, stepMs: number, headers?: Header[]) =>
  Array.from({ length: n }, (_, i) => response(status, 1_000 + i * stepMs, headers));

describe('http-auth-brute-force', () => {
  it('reports the twentieth refusal within a minute, with the statuses counted', () => {
    const hits = runThreat(httpAuthBruteForce, [...every(15, 401, 100), ...every(5, 403, 100)]);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ threat: 'http-auth-brute-force', severity: 'high', count: 20 });
    expect(hits[0]?.evidence).toBe('20 refused requests within 60000 ms (401 ×15, 403 ×5)');
  });

  it('counts no caller in allowClients (an address or CIDR), by the peer or by the client a proxy names', () => {
    const answered = (xff: string) =>
      every(25, 401, 100).map((r) => ({
        ...r,
        request: { method: 'POST', target: '/login', forwarding: [['x-forwarded-for', xff]] as Header[] },
      }));
    const origins = (config: Record<string, unknown>, xff = '203.0.113.9') => [
      ...new Set(runThreat(httpAuthBruteForce, answered(xff), { config }).map((h) => h.origin?.ip ?? 'peer')),
    ];
    expect(origins({})).toEqual(['peer', '203.0.113.9']);
    expect(origins({ allowClients: ['10.0.0.0/24'] })).toEqual(['203.0.113.9']);
    expect(origins({ allowClients: ['203.0.113.0/24', '10.0.0.5'] })).toEqual([]);
    expect(() => runThreat(httpAuthBruteForce, [], { config: { allowClients: ['10.0.0.0/40'] } })).toThrow(
      /CIDR/,
    );
  });

  it('leaves alone refusals spread thinner than the window, and other statuses', () => {
    expect(runThreat(httpAuthBruteForce, every(40, 401, 4_000))).toEqual([]);
    expect(
      runThreat(httpAuthBruteForce, [...every(30, 404, 10), ...every(30, 200, 10), ...every(30, 500, 10)]),
    ).toEqual([]);
  });

  it('counts gRPC UNAUTHENTICATED and PERMISSION_DENIED, which come with HTTP status 200', () => {
    const hits = runThreat(httpAuthBruteForce, [
      ...every(12, 200, 50, [['grpc-status', '16']]),
      ...every(8, 200, 50, [['grpc-status', '7']]),
    ]);
    expect(hits[0]?.evidence).toBe(
      '20 refused requests within 60000 ms (grpc UNAUTHENTICATED ×12, grpc PERMISSION_DENIED ×8)',
    );
    expect(runThreat(httpAuthBruteForce, every(30, 200, 50, [['grpc-status', '5']]))).toEqual([]);
  });

  it('keeps one count per client and server, across connections', () => {
    const other = flow({ client: { ip: '10.0.0.77', port: 50000 } });
    expect(runThreat(httpAuthBruteForce, every(19, 401, 10))).toEqual([]);
    expect(runThreat(httpAuthBruteForce, every(19, 401, 10), { flow: other })).toEqual([]);
  });

  it('follows its configuration', () => {
    expect(runThreat(httpAuthBruteForce, every(5, 401, 10), { config: { threshold: 5 } })).toHaveLength(1);
    expect(runThreat(httpAuthBruteForce, every(30, 403, 10), { config: { statuses: [401] } })).toEqual([]);
  });
});
