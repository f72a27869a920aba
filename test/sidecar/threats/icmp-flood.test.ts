import { describe, expect, it } from 'vitest';
import { icmpFlood } from '#sidecar/threats/icmp-flood.ts';
import { episodeSummary, packet, runThreat } from './threat-factories.ts';

const echoes = (count: number, spacingMs: number, icmpType = 8) =>
  Array.from({ length: count }, (_, i) =>
    packet({
      ts: 1_000 + i * spacingMs,
      transport: 'icmp',
      tcpFlags: undefined,
      icmpType,
      payloadLength: 56,
    }),
  );

describe('icmp-flood', () => {
  it('reports a ping flood (hping3 --flood style) once per episode', () => {
    const hits = runThreat(icmpFlood, echoes(1_000, 1));
    expect(hits[0]?.threat).toBe('icmp-flood');
    expect(episodeSummary(hits).reports).toBeLessThanOrEqual(12);
    expect(episodeSummary(hits).total).toBeGreaterThan(950);
  });

  it('ignores ordinary ping and echo replies', () => {
    expect(runThreat(icmpFlood, echoes(100, 1_000))).toEqual([]);
    expect(runThreat(icmpFlood, echoes(1_000, 1, 0))).toEqual([]);
  });
});
