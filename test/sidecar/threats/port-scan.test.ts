import { describe, expect, it } from 'vitest';
import { portScan } from '#sidecar/threats/port-scan.ts';
import { episodeSummary, packet, runThreat } from './threat-factories.ts';

describe('port-scan', () => {
  it('reports a SYN scan of many ports once with counts', () => {
    const probes = Array.from({ length: 1_000 }, (_, i) =>
      packet({ ts: 1_000 + i, dst: { ip: '10.0.0.9', port: i + 1 } }),
    );
    const hits = runThreat(portScan, probes);
    expect(hits[0]?.evidence).toMatch(/probed 25 distinct TCP ports of 10\.0\.0\.9/);
    expect(episodeSummary(hits).reports).toBeLessThanOrEqual(12);
    expect(episodeSummary(hits).total).toBeGreaterThan(900);
  });

  it('ignores many connections to the same few ports', () => {
    const calls = Array.from({ length: 1_000 }, (_, i) =>
      packet({
        ts: 1_000 + i,
        src: { ip: '10.0.0.5', port: 30_000 + i },
        dst: { ip: '10.0.0.9', port: [80, 443, 8080][i % 3] ?? 80 },
      }),
    );
    expect(runThreat(portScan, calls)).toEqual([]);
  });

  it('does not count a DNS server answering a client whose source port changes per query', () => {
    const exchanges = Array.from({ length: 200 }, (_, i) => {
      const client = { ip: '10.0.0.5', port: 40_000 + i };
      const server = { ip: '10.0.0.53', port: 53 };
      return [
        packet({ ts: 1_000 + 2 * i, transport: 'udp', src: client, dst: server, payloadLength: 40 }),
        packet({ ts: 1_001 + 2 * i, transport: 'udp', src: server, dst: client, payloadLength: 60 }),
      ];
    }).flat();
    expect(runThreat(portScan, exchanges)).toEqual([]);
  });

  it('still reports a UDP scan from a fixed source port, even port 53', () => {
    const probes = Array.from({ length: 100 }, (_, i) =>
      packet({
        ts: 1_000 + i,
        transport: 'udp',
        src: { ip: '10.0.0.66', port: 53 },
        dst: { ip: '10.0.0.9', port: 1 + i },
        payloadLength: 0,
      }),
    );
    expect(runThreat(portScan, probes)[0]?.evidence).toMatch(/probed 25 distinct UDP ports of 10\.0\.0\.9/);
  });
});
