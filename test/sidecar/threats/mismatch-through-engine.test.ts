/** protocol-mismatch through the real decoder, engine and threat runner: the port hint, and flows picked up mid-stream. */
import { describe, expect, it } from 'vitest';
import type { ThreatFinding } from '#core/finding.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { ethernetFrame, flags, ipv4Packet, tcpSegment, udpDatagram } from '../decode/build-frame.ts';

const client = '10.66.1.2';
const server = '10.66.1.1';
/** Bytes no protocol claims (a fixed xorshift sequence). */
const noise = (() => {
  let x = 0x2545f491;
  return Uint8Array.from({ length: 300 }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
})();

let ts = 1_000;
const frame = (src: string, dst: string, protocol: number, payload: Uint8Array) => {
  const data = ethernetFrame(ipv4Packet({ src, dst, protocol, payload }), 0x0800);
  ts += 1;
  return { ts, linkType: 1, data, originalLength: data.length, offset: 0 };
};
const tcp = (toServer: boolean, flag: number, seq: number, ack: number, payload = new Uint8Array(0)) =>
  toServer
    ? frame(client, server, 6, tcpSegment({ srcPort: 40_000, dstPort: 22, flags: flag, seq, ack, payload }))
    : frame(server, client, 6, tcpSegment({ srcPort: 22, dstPort: 40_000, flags: flag, seq, ack, payload }));

const threats = (records: ReturnType<typeof frame>[]): ThreatFinding[] => {
  const engine = createEngine({ observers: [createThreatRunner({ policyDir: false })] });
  for (const record of records) engine.push(record);
  return splitFindings(engine.flush()).threats;
};

describe('protocol-mismatch through the engine', () => {
  it('reports unidentified bytes on tcp/22 when the connection was seen from its handshake', () => {
    const found = threats([
      tcp(true, flags.syn, 100, 0),
      tcp(false, flags.syn | flags.ack, 500, 101),
      tcp(true, flags.ack | flags.psh, 101, 501, noise),
      tcp(false, flags.ack | flags.psh, 501, 401, noise),
    ]);
    expect(found.map((f) => [f.threat, f.server.port, f.evidence])).toEqual([
      ['protocol-mismatch', 22, 'expected ssh on 10.66.1.1:22 (port hint), saw unidentified bytes'],
    ]);
  });

  it('leaves a tcp/22 connection picked up mid-stream alone (encrypted SSH looks like noise)', () => {
    const found = threats([
      tcp(true, flags.ack | flags.psh, 101, 501, noise),
      tcp(false, flags.ack | flags.psh, 501, 401, noise),
    ]);
    expect(found).toEqual([]);
  });

  it('reports random bytes in a datagram to udp/53', () => {
    const found = threats([
      frame(client, server, 17, udpDatagram({ srcPort: 40_001, dstPort: 53, payload: noise })),
    ]);
    expect(found.map((f) => [f.threat, f.transport, f.server.port])).toEqual([
      ['protocol-mismatch', 'udp', 53],
    ]);
  });
});
