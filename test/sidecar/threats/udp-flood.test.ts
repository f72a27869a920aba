import { describe, expect, it } from 'vitest';
import { udpFlood } from '#sidecar/threats/udp-flood.ts';
import { episodeSummary, packet, runThreat } from './threat-factories.ts';

const datagrams = (count: number, spacingMs: number) =>
  Array.from({ length: count }, (_, i) =>
    packet({ ts: 1_000 + i * spacingMs, transport: 'udp', tcpFlags: undefined, payloadLength: 512 }),
  );

describe('udp-flood', () => {
  it('reports one source flooding one host as one episode', () => {
    const hits = runThreat(udpFlood, datagrams(12_000, 0.1));
    expect(hits[0]?.client?.ip).toBe('10.0.0.5');
    expect(episodeSummary(hits)).toMatchObject({ pairs: 1 });
    expect(episodeSummary(hits).reports).toBeLessThanOrEqual(50);
    expect(episodeSummary(hits).total).toBeGreaterThan(11_000);
  });

  it('ignores a steady stream below the rate', () => {
    expect(runThreat(udpFlood, datagrams(3_000, 1))).toEqual([]);
  });
});
