import { describe, expect, it } from 'vitest';
import { hostSweep } from '#sidecar/threats/host-sweep.ts';
import { episodeSummary, packet, runThreat } from './threat-factories.ts';

describe('host-sweep', () => {
  it('reports a ping sweep of a /24 once', () => {
    const pings = Array.from({ length: 254 }, (_, i) =>
      packet({
        ts: 1_000 + i * 5,
        transport: 'icmp',
        tcpFlags: undefined,
        icmpType: 8,
        dst: { ip: `10.1.2.${i + 1}`, port: 0 },
      }),
    );
    const hits = runThreat(hostSweep, pings);
    expect(hits[0]?.evidence).toMatch(/30 distinct hosts \(icmp\)/);
    expect(episodeSummary(hits).reports).toBeLessThanOrEqual(15);
    expect(episodeSummary(hits).total).toBeGreaterThan(220);
  });

  it('ignores a client talking to a handful of pods on one port', () => {
    const calls = Array.from({ length: 500 }, (_, i) =>
      packet({ ts: 1_000 + i * 5, dst: { ip: `10.1.2.${i % 10}`, port: 8080 } }),
    );
    expect(runThreat(hostSweep, calls)).toEqual([]);
  });
});
