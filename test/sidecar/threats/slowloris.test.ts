/** Slowloris through the real decoder, engine and threat runner: it judges connections from the engine's own table. */
import { describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { slowloris } from '#sidecar/threats/slowloris.ts';
import { threatsBy } from '#test/helpers/split-findings.ts';
import { flags, tcp4Frame } from '../decode/build-frame.ts';
import { packet, runThreat, server } from './threat-factories.ts';

const client = '10.0.0.5';
type Record = { ts: number; linkType: number; data: Uint8Array; originalLength: number; offset: number };
const record = (ts: number, data: Uint8Array): Record => ({
  ts,
  linkType: 1,
  data,
  originalLength: data.length,
  offset: 0,
});

/** One connection's packets: the handshake at `opened`, then `bytes` from the client every 5 s until 30 s. */
const connection = (port: number, opened: number, bytes: number, endAt?: number): Record[] => {
  const ends = { src: client, dst: server.ip, srcPort: port, dstPort: server.port };
  const back = { src: server.ip, dst: client, srcPort: server.port, dstPort: port };
  const out = [
    record(opened, tcp4Frame({ ...ends, seq: 1000, flags: flags.syn })),
    record(opened + 1, tcp4Frame({ ...back, seq: 5000, ack: 1001, flags: flags.syn | flags.ack })),
    record(opened + 2, tcp4Frame({ ...ends, seq: 1001, ack: 5001 })),
  ];
  let seq = 1001;
  for (let t = 5_000; t <= 30_000; t += 5_000) {
    if (endAt !== undefined && t > endAt) break;
    const payload = 'X'.repeat(bytes);
    out.push(
      record(
        t + port - 20_000,
        tcp4Frame({ ...ends, seq, ack: 5001, flags: flags.psh | flags.ack, payload }),
      ),
    );
    seq += bytes;
  }
  if (endAt !== undefined) out.push(record(endAt, tcp4Frame({ ...ends, seq, ack: 5001, flags: flags.rst })));
  return out;
};

const traffic = (connections: number, bytes: number, endAt?: number): Record[] =>
  Array.from({ length: connections }, (_, c) => connection(20_000 + c, c, bytes, endAt))
    .flat()
    .sort((a, b) => a.ts - b.ts);

const slowlorisFindings = (records: readonly Record[]): ThreatFinding[] => {
  const engine = createEngine({ observers: [createThreatRunner({ policyDir: false })] });
  for (const r of records) engine.push(r);
  return threatsBy(engine.flush(), 'slowloris');
};

describe('slowloris', () => {
  it('flags many long-lived connections trickling header bytes, once, with no SYN after they opened', () => {
    const hits = slowlorisFindings(traffic(80, 10));
    expect(hits).toHaveLength(1);
    expect(hits[0]?.evidence).toMatch(/80 connections from 10\.0\.0\.5 to 10\.0\.0\.9:8080/);
    expect(hits[0]).toMatchObject({ transport: 'tcp', client: { ip: client }, server: server, count: 80 });
  });

  it('ignores busy connections, short ones and a few', () => {
    expect(slowlorisFindings(traffic(80, 5_000))).toEqual([]);
    expect(slowlorisFindings(traffic(80, 10, 1_000))).toEqual([]);
    expect(slowlorisFindings(traffic(10, 10))).toEqual([]);
  });

  it('names a connection it counted, not the long-gone first one from that client', () => {
    // A short request from port 19,999 first, closed long before the slow connections are judged.
    const records = [...connection(19_999, 0, 100, 1_000), ...traffic(80, 10)].sort((a, b) => a.ts - b.ts);
    const [hit] = slowlorisFindings(records);
    expect(hit?.count).toBe(80);
    expect(hit?.client.port).toBeGreaterThanOrEqual(20_000);
  });

  it('does not count connections whose client has finished sending (its FIN), though the server has not closed', () => {
    const halfClosed = [
      ...traffic(80, 0, 30_000).filter((r) => ((r.data[47] ?? 0) & flags.rst) === 0),
      ...Array.from({ length: 80 }, (_, c) =>
        record(
          2_000 + c,
          tcp4Frame({
            src: client,
            dst: server.ip,
            srcPort: 20_000 + c,
            dstPort: server.port,
            seq: 1001,
            ack: 5001,
            flags: flags.fin | flags.ack,
          }),
        ),
      ),
    ].sort((a, b) => a.ts - b.ts);
    expect(slowlorisFindings(halfClosed)).toEqual([]);
    // The same connections left open are slow ones.
    expect(
      slowlorisFindings(traffic(80, 0, 30_000).filter((r) => ((r.data[47] ?? 0) & flags.rst) === 0)),
    ).toHaveLength(1);
  });

  it('counts a connection reopened on the same ports once', () => {
    // Every connection is reset at 2 s and opened again on the same port at 3 s: one connection each, not two.
    const reopened = [
      ...traffic(80, 0, 2_000),
      ...Array.from({ length: 80 }, (_, c) => connection(20_000 + c, 3_000 + c, 10)).flat(),
    ].sort((a, b) => a.ts - b.ts);
    expect(slowlorisFindings(reopened).map((hit) => hit.count)).toEqual([80]);
  });

  it('cannot judge on bare packet events with no engine behind it, and says nothing', () => {
    const syns = Array.from({ length: 80 }, (_, c) =>
      packet({ ts: c, src: { ip: client, port: 20_000 + c }, dst: server, tcpFlags: 2 }),
    );
    expect(runThreat(slowloris, syns)).toEqual([]);
  });

  it('keeps its tables bounded under spoofed sources', () => {
    const state = slowloris.initialState();
    const config = slowloris.config.parse({});
    for (let i = 0; i < 80_000; i++) {
      const src = { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 1024 + (i % 60_000) };
      const syn = packet({ ts: i, src, dst: server, tcpFlags: 2, srcV4: 0x0a000000 + i, dstV4: 0x0a000009 });
      slowloris.inspect(syn, state, { config });
    }
    expect(state.groups.size).toBe(4096);
    expect(state.listed).toBe(4096);
    // One client opening 80,000 connections to one server lists at most 65,536 ports in all.
    const one = slowloris.initialState();
    for (let i = 0; i < 80_000; i++) {
      const syn = packet({
        ts: i,
        src: { ip: client, port: i % 65_536 },
        dst: { ip: '10.0.0.9', port: 1 + (i >> 16) },
        tcpFlags: 2,
      });
      slowloris.inspect(syn, one, { config });
    }
    expect(one.listed).toBe(65_536);
    expect(one.candidates.size).toBe(1);
  });
});
