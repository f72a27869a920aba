/** Findings: the batch envelope and the flow finding shape the inspect CLI promises. */
import { describe, expect, it } from 'vitest';
import { findingBatchSchema, findingSchema } from '#core/finding.ts';

const flow = {
  type: 'flow',
  transport: 'tcp',
  client: { ip: '10.0.0.1', port: 51000 },
  server: { ip: '10.0.0.2', port: 443 },
  protocol: 'tls',
  confidence: 'dpi',
  encrypted: true,
  tls: { sni: 'reviews.bookinfo.svc', alpn: ['h2'] },
  bytes: { toServer: 517, toClient: 4000 },
  packets: { toServer: 3, toClient: 4 },
  firstSeen: '2026-11-26T12:00:00.000Z',
  lastSeen: '2026-11-26T12:00:01.000Z',
};

describe('finding schemas', () => {
  it('parses a flow finding and a versioned batch', () => {
    expect(findingSchema.parse(flow)).toMatchObject({ protocol: 'tls' });
    const batch = findingBatchSchema.parse({
      version: 1,
      batchId: '3b241101-e2bb-4255-8caf-4136c566a962',
      pod: { namespace: 'bookinfo', name: 'productpage-v1-abc', uid: 'u-1' },
      sentAt: '2026-11-26T12:00:02.000Z',
      findings: [flow],
    });
    expect(batch.dropped).toBe(0);
  });

  it('rejects unknown protocols, bad ports and unbounded lists', () => {
    expect(findingSchema.safeParse({ ...flow, protocol: 'gopher' }).success).toBe(false);
    expect(findingSchema.safeParse({ ...flow, server: { ip: '10.0.0.2', port: 70000 } }).success).toBe(false);
    const paths = Array.from({ length: 100 }, (_, i) => `/p/${i}`);
    expect(findingSchema.safeParse({ ...flow, l7: { http: { paths } } }).success).toBe(false);
  });

  it("keeps a flow's forwarded clients (ADR 31), bounded, and still reads findings without them", () => {
    const forwarded = {
      clients: [
        { ip: '203.0.113.9', by: 'x-forwarded-for' },
        { ip: '2001:db8::7', by: 'forwarded' },
      ],
      otherRequests: 3,
    };
    const http = { methods: ['GET'] };
    expect(findingSchema.parse({ ...flow, l7: { http, forwarded } })).toMatchObject({
      l7: { http, forwarded },
    });
    expect(findingSchema.parse({ ...flow, l7: { http } })).toEqual({ ...flow, l7: { http } });
    const nine = Array.from({ length: 9 }, (_, i) => ({ ip: `192.0.2.${i}`, by: 'x-real-ip' }));
    for (const wrong of [
      { clients: nine },
      { clients: [{ ip: '192.0.2.1', by: 'x-client-ip' }] },
      { clients: [{ ip: `fe80::1%${'a'.repeat(60)}`, by: 'x-forwarded-for' }] },
      { clients: [], otherRequests: 0 },
    ])
      expect(findingSchema.safeParse({ ...flow, l7: { forwarded: wrong } }).success).toBe(false);
  });

  it('rejects a batch with a bad version or id', () => {
    const batch = {
      version: 2,
      batchId: 'x',
      pod: { namespace: 'a', name: 'b', uid: 'c' },
      sentAt: flow.firstSeen,
      findings: [],
    };
    const result = findingBatchSchema.safeParse(batch);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['version', 'batchId']);
  });
});
