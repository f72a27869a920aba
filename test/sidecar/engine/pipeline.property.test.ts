import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowFindingSchema } from '#core/finding.ts';
import type { PacketRecord } from '#sidecar/capture/packet-record.ts';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { protocols as registered } from '#sidecar/protocols/index.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import {
  ethernetFrame,
  ipv4Packet,
  ipv6Packet,
  tcp4Frame,
  tcpSegment,
  udp4Frame,
} from '../decode/build-frame.ts';
import { lineProtocol } from './toy-protocols.ts';

/** Payload starts that real detectors look at, so mutated packets reach deep into parsers. */
const seeds = [
  'GET /api/v1/users/1 HTTP/1.1\r\nHost: a\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
  '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n',
  'SSH-2.0-OpenSSH_9.6\r\n',
  '220 mail ESMTP\r\n',
  'PING x\n',
  // A load balancer's PROXY header (ADR 25), versions 1 and 2 (PROXY, TCP over IPv4), before a request.
  'PROXY TCP4 203.0.113.9 10.0.0.2 51234 80\r\nGET / HTTP/1.1\r\n\r\n',
  '\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\xcb\x00\x71\x09\x0a\x00\x00\x02\xc8\x22\x00\x50GET / HTTP/1.1\r\n\r\n',
].map((text) => Uint8Array.from(text, (c) => c.charCodeAt(0)));
const tlsHello = Uint8Array.from([
  0x16,
  0x03,
  0x01,
  0x00,
  0x2f,
  0x01,
  0x00,
  0x00,
  0x2b,
  0x03,
  0x03,
  ...Array(32).fill(7),
  0,
  0,
  2,
  0x13,
  0x01,
  1,
  0,
]);
seeds.push(tlsHello);

const hosts = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
const ports = [53, 80, 443, 5432, 40000, 40001, 50000];

const payload = fc.oneof(
  fc.constantFrom(...seeds),
  fc.uint8Array({ maxLength: 300 }),
  fc
    .tuple(fc.constantFrom(...seeds), fc.uint8Array({ maxLength: 40 }))
    .map(([a, b]) => Uint8Array.from([...a, ...b])),
);

const tcpFrame = fc
  .record({
    src: fc.constantFrom(...hosts),
    dst: fc.constantFrom(...hosts),
    srcPort: fc.constantFrom(...ports),
    dstPort: fc.constantFrom(...ports),
    seq: fc.oneof(fc.integer({ min: 0, max: 4000 }), fc.constant(0xfffffff0), fc.nat({ max: 0xffffffff })),
    flags: fc.oneof(fc.constantFrom(2, 18, 16, 24, 17, 4), fc.nat({ max: 255 })),
    payload,
  })
  .map((o) => tcp4Frame(o));

const udpFrame = fc
  .record({
    src: fc.constantFrom(...hosts),
    dst: fc.constantFrom(...hosts),
    srcPort: fc.constantFrom(...ports),
    dstPort: fc.constantFrom(...ports),
    payload,
  })
  .map((o) => udp4Frame(o));

const fragment = fc
  .record({
    id: fc.nat({ max: 5 }),
    offset: fc.nat({ max: 200 }).map((n) => n * 8),
    more: fc.boolean(),
    bytes: fc.uint8Array({ maxLength: 64 }),
  })
  .map((o) =>
    ethernetFrame(
      ipv4Packet({
        src: '10.0.0.9',
        dst: '10.0.0.1',
        protocol: 17,
        payload: o.bytes,
        id: o.id,
        more: o.more,
        fragmentOffset: o.offset,
      }),
      0x0800,
    ),
  );

const ipv6Frame = fc
  .record({
    next: fc.constantFrom(0, 6, 17, 43, 44, 51, 58, 60),
    extensions: fc.array(fc.nat({ max: 255 }), { maxLength: 24 }),
    bytes: payload,
  })
  .map((o) =>
    ethernetFrame(
      ipv6Packet({
        src: '2001:db8::1',
        dst: '2001:db8::2',
        nextHeader: o.next,
        payload: tcpSegment({ srcPort: 443, dstPort: 40000, payload: o.bytes }),
        extensions: o.extensions,
      }),
      0x86dd,
    ),
  );

/** Flip bytes, cut the frame, or leave it: packets from hostile or broken senders. */
const mutate = (frame: Uint8Array, mutation: { kind: number; at: number; value: number }): Uint8Array => {
  const copy = frame.slice();
  if (mutation.kind === 1 && copy.length > 0) copy[mutation.at % copy.length] = mutation.value;
  if (mutation.kind === 2) return copy.subarray(0, mutation.at % (copy.length + 1));
  return copy;
};

const packet = fc
  .tuple(
    fc.oneof(
      { weight: 5, arbitrary: tcpFrame },
      { weight: 2, arbitrary: udpFrame },
      { weight: 1, arbitrary: fragment },
      { weight: 1, arbitrary: ipv6Frame },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 120 }) },
    ),
    fc.record({ kind: fc.nat({ max: 3 }), at: fc.nat({ max: 2000 }), value: fc.nat({ max: 255 }) }),
    fc.constantFrom(1, 1, 1, 1, 0, 12, 101, 108, 113, 276, 9999),
    fc.nat({ max: 50 }),
  )
  .map(([frame, mutation, linkType, gap]): { frame: Uint8Array; linkType: number; gap: number } => ({
    frame: mutate(frame, mutation),
    linkType,
    gap,
  }));

const maxFlows = 16;

describe('pipeline property: random and mutated packets', () => {
  it('never throws, keeps the flow table and held bytes within bounds, and emits valid findings', () => {
    const toy = lineProtocol('nats', { 'to-server': 'PING ' });
    fc.assert(
      fc.property(fc.array(packet, { minLength: 50, maxLength: 400 }), (packets) => {
        const engine = createEngine({
          protocols: [...registered, toy],
          limits: {
            flows: { maxFlows },
            fragments: { maxDatagrams: 8 },
            maxHeldBytes: 64 * 1024,
            reassembly: { maxSegments: 8, maxBytes: 16 * 1024 },
          },
        });
        let ts = 1_700_000_000_000;
        for (const { frame, linkType, gap } of packets) {
          ts += gap;
          const record: PacketRecord = { ts, linkType, data: frame, originalLength: frame.length, offset: 0 };
          engine.push(record);
          const stats = engine.stats();
          expect(stats.flows.active).toBeLessThanOrEqual(maxFlows);
          expect(stats.fragments.pending).toBeLessThanOrEqual(8);
          expect(stats.heldBytes).toBeLessThanOrEqual(64 * 1024 + 16 * 1024);
        }
        const findings = engine.flush();
        for (const flow of splitFindings(findings).flows) flowFindingSchema.parse(flow);
        expect(engine.stats().flows.active).toBe(0);
      }),
      { seed: 20261126, numRuns: 60 },
    );
  }, 20_000);

  it('gives the same findings for the same packets (deterministic)', () => {
    fc.assert(
      fc.property(fc.array(packet, { minLength: 20, maxLength: 100 }), (packets) => {
        const once = () => {
          const engine = createEngine({ protocols: registered });
          for (const [i, { frame, linkType }] of packets.entries()) {
            engine.push({ ts: 1000 + i, linkType, data: frame, originalLength: frame.length, offset: 0 });
          }
          return JSON.stringify(engine.flush());
        };
        expect(once()).toBe(once());
      }),
      { seed: 7, numRuns: 30 },
    );
  });
});
