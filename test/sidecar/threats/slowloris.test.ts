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

  it('keeps its connection and group tables bounded under spoofed sources', () => {
    const state = slowloris.initialState();
    const config = slowloris.config.parse({});
    for (let i = 0; i < 80_000; i++) {
      const src = { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 1024 + (i % 60_000) };
      const syn = packet({ ts: i, src, dst: server, tcpFlags: 2, srcV4: 0x0a000000 + i, dstV4: 0x0a000009 });
      slowloris.inspect(syn, state, { config, flow: undefined as never });
    }
    expect(state.connections.size).toBe(65_536);
    expect(state.groups.size).toBe(4096);
  });

  it('counts a connection reopened on the same ports once', () => {
    const reopened = traffic(80, 10);
    // Every connection closes at 2 s and opens again on the same port at 3 s: one connection each, not two.
    for (let c = 0; c < 80; c++) {
      const src = { ip: '10.0.0.5', port: 20_000 + c };
      reopened.push(packet({ ts: 2_000 + c, src, dst: server, tcpFlags: 17 }));
      reopened.push(packet({ ts: 3_000 + c, src, dst: server, tcpFlags: 2 }));
    }
    reopened.sort((x, y) => x.ts - y.ts);
    const hits = runThreat(slowloris, reopened.concat(traffic(0, 0)));
    expect(hits.map((hit) => hit.count)).toEqual([80]);
  });
});
