import { describe, expect, it } from 'vitest';
import { slowloris } from '#sidecar/threats/slowloris.ts';
import type { PacketEvent } from '#sidecar/threats/threat.ts';
import { packet, runThreat, server } from './threat-factories.ts';

/** `connections` opened at t=0, each sending `bytes` every 5 s for 30 s. */
const traffic = (connections: number, bytes: number, closeAfter?: number): PacketEvent[] => {
  const events: PacketEvent[] = [];
  for (let c = 0; c < connections; c++)
    events.push(packet({ ts: c, src: { ip: '10.0.0.5', port: 20_000 + c }, dst: server, tcpFlags: 2 }));
  for (let t = 5_000; t <= 30_000; t += 5_000) {
    for (let c = 0; c < connections; c++) {
      const flags = closeAfter !== undefined && t > closeAfter ? 17 : 24;
      events.push(
        packet({
          ts: t + c,
          src: { ip: '10.0.0.5', port: 20_000 + c },
          dst: server,
          tcpFlags: flags,
          payloadLength: bytes,
        }),
      );
    }
  }
  return events;
};

describe('slowloris', () => {
  it('flags many long-lived connections trickling header bytes, once', () => {
    const hits = runThreat(slowloris, traffic(80, 10));
    expect(hits).toHaveLength(1);
    expect(hits[0]?.evidence).toMatch(/80 connections from 10\.0\.0\.5 to 10\.0\.0\.9:8080/);
  });

  it('ignores busy connections and short ones', () => {
    expect(runThreat(slowloris, traffic(80, 5_000))).toEqual([]);
    expect(runThreat(slowloris, traffic(80, 10, 1_000))).toEqual([]);
    expect(runThreat(slowloris, traffic(10, 10))).toEqual([]);
  });
});
