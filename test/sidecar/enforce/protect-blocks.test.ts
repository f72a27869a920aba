import { describe, expect, it } from 'vitest';
import type { Finding, ThreatFinding } from '#core/finding.ts';
import { mergeBlocks, protectBlocks } from '#sidecar/enforce/protect-blocks.ts';

const threat = (over: Partial<ThreatFinding>): Finding => ({
  type: 'threat',
  threat: 'sql-injection',
  severity: 'high',
  confidence: 0.9,
  transport: 'tcp',
  client: { ip: '10.0.0.9', port: 51000 },
  server: { ip: '10.1.0.7', port: 8080 },
  protocol: 'http',
  evidence: "id=1' OR '1'='1",
  firstSeen: '2026-11-26T12:00:00Z',
  lastSeen: '2026-11-26T12:00:00Z',
  count: 1,
  ...over,
});
const podIps = ['10.1.0.7'];

describe('protectBlocks', () => {
  it('cuts the attacking client on our port, and the server we called on its port', () => {
    const blocks = protectBlocks(
      [
        threat({}),
        threat({
          client: { ip: '10.1.0.7', port: 40000 },
          server: { ip: '10.2.0.3', port: 5432 },
          severity: 'critical',
        }),
      ],
      { podIps, now: 1000, blockMs: 60_000 },
    );
    expect(blocks).toEqual([
      { ip: '10.0.0.9', port: 8080, peer: 'client', until: 61_000 },
      { ip: '10.2.0.3', port: 5432, peer: 'server', until: 61_000 },
    ]);
  });

  it('ignores low severities, non-threats and loopback peers (the pod’s own proxy)', () => {
    const heartbeat: Finding = { type: 'heartbeat', ips: podIps, at: '2026-11-26T12:00:00Z' };
    const fromProxy = threat({
      client: { ip: '127.0.0.1', port: 40000 },
      server: { ip: '127.0.0.1', port: 9080 },
    });
    expect(protectBlocks([threat({ severity: 'medium' }), heartbeat, fromProxy], { podIps, now: 0 })).toEqual(
      [],
    );
  });
});

describe('mergeBlocks', () => {
  it('adds new blocks, extends repeats without a change, drops expired ones', () => {
    const a = { ip: '10.0.0.9', port: 8080, peer: 'client' as const, until: 100 };
    expect(mergeBlocks([], [a], 0)).toEqual({ blocks: [a], changed: true });
    expect(mergeBlocks([a], [{ ...a, until: 200 }], 50)).toEqual({
      blocks: [{ ...a, until: 200 }],
      changed: false,
    });
    expect(mergeBlocks([a], [], 150)).toEqual({ blocks: [], changed: true });
  });
});
