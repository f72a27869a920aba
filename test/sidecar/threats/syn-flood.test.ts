import { describe, expect, it } from 'vitest';
import { synFlood } from '#sidecar/threats/syn-flood.ts';
import { episodeSummary, packet, runThreat } from './threat-factories.ts';

const syns = (count: number, spacingMs: number, from = (i: number) => `198.51.100.${i % 250}`) =>
  Array.from({ length: count }, (_, i) =>
    packet({ ts: 1_000 + i * spacingMs, src: { ip: from(i), port: 1024 + i }, tcpFlags: 2 }),
  );

describe('syn-flood', () => {
  it('reports a spoofed flood once when it starts, then only periodic counts', () => {
    const hits = runThreat(synFlood, syns(2_000, 0.5));
    expect(hits[0]?.evidence).toMatch(/300 SYN without ACK to 10\.0\.0\.9/);
    const summary = episodeSummary(hits);
    expect(summary.reports).toBeLessThanOrEqual(20);
    expect(summary.pairs).toBe(1);
    expect(summary.total).toBeGreaterThan(1_700);
  });

  it('ignores a busy but normal connection rate and SYN-ACKs', () => {
    expect(runThreat(synFlood, syns(500, 10))).toEqual([]);
    expect(
      runThreat(
        synFlood,
        Array.from({ length: 1000 }, (_, i) => packet({ ts: 1_000 + i, tcpFlags: 18 })),
      ),
    ).toEqual([]);
  });

  it('honours a threshold from YAML', () => {
    expect(runThreat(synFlood, syns(60, 1), { config: { threshold: 50 } })).toHaveLength(1);
  });
});
