import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { kerberoasting } from '#sidecar/threats/kerberoasting.ts';
import { episodeSummary, flow, runThreat } from './threat-factories.ts';

const kdc = flow({ protocol: 'kerberos', server: { ip: '10.0.0.53', port: 88 } });
const tgsReq = (ts: number, service: string, etypes = '18,17,23'): OperationEvent => ({
  kind: 'operation',
  ts,
  direction: 'to-server',
  protocol: 'kerberos',
  operation: 'TGS-REQ',
  detail: `service=${service} etypes=${etypes}`,
});
const services = (n: number) => Array.from({ length: n }, (_, i) => `MSSQLSvc/db${i}.shop.test:1433`);

describe('kerberoasting', () => {
  it('reports one client asking for service tickets to many distinct services within a minute, naming RC4', () => {
    const events = services(10).map((s, i) => tgsReq(1_000 + i * 100, s, '23'));
    const hits = runThreat(kerberoasting, events, { flow: kdc });
    // One episode: reported as the eighth service comes, then the two after it counted (the runner merges them).
    expect(episodeSummary(hits)).toEqual({ reports: 3, pairs: 1, total: 10 });
    expect(hits[0]?.evidence).toMatch(
      /^service tickets for 8 distinct services within 60000 ms \(MSSQLSvc\/db0/,
    );
    expect(hits[0]?.evidence).toContain('RC4 (etype 23) asked for');
    expect(hits[0]?.confidence).toBe(0.9);
  });

  it('leaves alone renewals (krbtgt), a few services, the same service again, and tickets spread over time', () => {
    const quiet = [
      ...Array.from({ length: 20 }, (_, i) => tgsReq(i, 'krbtgt/SHOP.TEST')),
      ...services(5).map((s, i) => tgsReq(100 + i, s)),
      ...Array.from({ length: 20 }, (_, i) => tgsReq(200 + i, 'HTTP/web.shop.test')),
      ...services(12).map((s, i) => tgsReq(1_000 + i * 61_000, s)),
    ];
    expect(runThreat(kerberoasting, quiet, { flow: kdc })).toEqual([]);
  });

  it('names RC4 after types that are negative numbers (Windows lists -128 and -135, old RC4 variants)', () => {
    const hits = runThreat(
      kerberoasting,
      services(8).map((s, i) => tgsReq(i, s, '-128,-135,23')),
      { flow: kdc },
    );
    expect(hits.map((h) => h.confidence)).toEqual([0.9]);
  });

  it('is less sure when only AES was asked for', () => {
    const hits = runThreat(
      kerberoasting,
      services(8).map((s, i) => tgsReq(i, s, '18,17')),
      { flow: kdc },
    );
    expect(hits.map((h) => h.confidence)).toEqual([0.7]);
  });
});
