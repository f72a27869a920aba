import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { threats } from '#sidecar/threats/index.ts';
import type { PacketEvent, ThreatHit } from '#sidecar/threats/threat.ts';
import { packetClasses, packetClassMask } from '#sidecar/threats/window/packet-classes.ts';
import { packet } from '../threat-factories.ts';

/** Low thresholds so that short random sequences reach the detectors' windows, episodes and reports. */
const eager: Record<string, Record<string, unknown>> = {
  'syn-flood': { threshold: 3 },
  'udp-flood': { threshold: 3 },
  'icmp-flood': { threshold: 3 },
  'port-scan': { threshold: 3 },
  'host-sweep': { threshold: 3 },
  'icmp-tunnel': { threshold: 2, minSizes: 2 },
};

/** Few addresses and ports, both ways, so that keys repeat, conversations answer and SYNs cross. */
const ips = ['10.0.0.1', '10.0.0.2', 'fd00::3'];
const ports = [80, 81, 82, 40_000];

const arbitraryPacket: fc.Arbitrary<PacketEvent> = fc
  .record({
    dt: fc.integer({ min: 0, max: 60 }),
    transport: fc.constantFrom('tcp', 'tcp', 'udp', 'icmp', 'icmpv6', 'other'),
    flags: fc.constantFrom(2, 2, 18, 16, 24, 1, 4, 17, 20, 3),
    src: fc.constantFrom(...ips),
    dst: fc.constantFrom(...ips),
    srcPort: fc.constantFrom(...ports),
    dstPort: fc.constantFrom(...ports),
    payloadLength: fc.constantFrom(0, 10, 100, 2_000),
    ipLength: fc.constantFrom(40, 1_500, 70_000),
    icmpType: fc.constantFrom(0, 3, 8, 128, 129),
    fragment: fc.option(
      fc.record({
        offset: fc.constantFrom(0, 8, 1_480, 65_528),
        more: fc.boolean(),
        overlap: fc.boolean(),
      }),
      { nil: undefined },
    ),
  })
  .map((p) => {
    const icmp = p.transport === 'icmp' || p.transport === 'icmpv6';
    return packet({
      ts: p.dt,
      transport: p.transport,
      src: { ip: p.src, port: p.srcPort },
      dst: { ip: p.dst, port: p.dstPort },
      tcpFlags: p.transport === 'tcp' ? p.flags : undefined,
      payloadLength: p.payloadLength,
      ipLength: p.ipLength,
      icmpType: icmp ? p.icmpType : undefined,
      fragment: p.fragment,
    });
  });

/** Packets in time order (each `ts` so far is a gap to the previous one). */
const arbitraryTraffic = fc.array(arbitraryPacket, { minLength: 100, maxLength: 400 }).map((packets) => {
  let ts = 1_000;
  return packets.map((p) => {
    ts += p.ts;
    return { ...p, ts };
  });
});

const hitsOf = (id: string, packets: readonly PacketEvent[]): ThreatHit[] => {
  const threat = threats.find((t) => t.id === id);
  if (threat === undefined) throw new Error(id);
  const config = threat.config.parse(eager[id] ?? {});
  const state = threat.initialState();
  return packets.flatMap((p) => threat.inspect(p, state, { config }));
};

/** Slowloris judges from the engine's connection table on its timer, not from packets: slowloris.test.ts runs it so. */
const declaring = threats.filter(
  (t) => t.on.includes('packet') && t.packets !== undefined && t.tick === undefined,
);

describe('packet classes', () => {
  it('every packet detector declares what it reads', () => {
    expect(
      threats.filter((t) => t.on.includes('packet') && t.packets === undefined).map((t) => t.id),
    ).toEqual([]);
  });

  it('classifies SYN-only, other TCP, UDP, ICMP, fragments and oversized datagrams', () => {
    const mask = (p: Parameters<typeof packet>[0]) => packetClasses(packet(p));
    expect(mask({ tcpFlags: 2 })).toBe(packetClassMask(['tcp-syn']));
    expect(mask({ tcpFlags: 18 })).toBe(packetClassMask(['tcp-other']));
    expect(mask({ tcpFlags: undefined })).toBe(packetClassMask(['tcp-other']));
    expect(mask({ transport: 'udp', tcpFlags: undefined })).toBe(packetClassMask(['udp']));
    expect(mask({ transport: 'icmpv6', tcpFlags: undefined, icmpType: 128 })).toBe(packetClassMask(['icmp']));
    expect(
      mask({
        transport: 'other',
        tcpFlags: undefined,
        ipLength: 70_000,
        fragment: { offset: 8, more: true, overlap: false },
      }),
    ).toBe(packetClassMask(['fragment', 'oversized']));
  });

  // The runner shows a detector only the packets of its classes: that must change none of its hits.
  it.each(declaring.map((t) => [t.id, t.packets] as const))(
    '%s finds the same with only the packets it declares',
    (id, classes) => {
      const mask = packetClassMask(classes) ?? 0;
      let hits = 0;
      fc.assert(
        fc.property(arbitraryTraffic, (traffic) => {
          const all = hitsOf(id, traffic);
          hits += all.length;
          const routed = traffic.filter((p) => (packetClasses(p) & mask) !== 0);
          expect(hitsOf(id, routed)).toEqual(all);
        }),
        { numRuns: 100 },
      );
      // The traffic reaches the detector's reports, so the comparison covers its state, not only its filters.
      expect(hits).toBeGreaterThan(0);
    },
    // A few seconds on a busy machine: random traffic through a detector twice, a hundred times.
    30_000,
  );
});
