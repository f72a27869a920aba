import { describe, expect, it } from 'vitest';
import { createPacketRing } from '#sidecar/pcap/packet-ring.ts';

const packet = (ts: number, size = 100) => ({
  ts,
  linkType: 1,
  data: new Uint8Array(size).fill(ts % 256),
  originalLength: size,
});

describe('createPacketRing', () => {
  it('evicts packets older than maxSeconds', () => {
    const ring = createPacketRing({ maxBytes: 1e9, maxSeconds: 10 });
    for (let ts = 0; ts <= 20_000; ts += 1000) ring.push(packet(ts));
    expect(ring.since(0).map((p) => p.ts)).toEqual([
      10_000, 11_000, 12_000, 13_000, 14_000, 15_000, 16_000, 17_000, 18_000, 19_000, 20_000,
    ]);
    expect(ring.since(18_500).map((p) => p.ts)).toEqual([19_000, 20_000]);
  });

  it('stays within maxBytes (per-packet overhead included), evicting the oldest', () => {
    const ring = createPacketRing({ maxBytes: 10 * (100 + 64), maxSeconds: 3600 });
    for (let n = 0; n < 1000; n++) ring.push(packet(n));
    expect(ring.stats()).toEqual({ packets: 10, bytes: 1640, evicted: 990 });
    expect(ring.since(0).map((p) => p.ts)).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
  });

  it('copies packet bytes, since the capture reuses its buffers', () => {
    const ring = createPacketRing({ maxBytes: 1e6, maxSeconds: 60 });
    const source = packet(1);
    ring.push(source);
    source.data.fill(0xee);
    expect(ring.since(0)[0]?.data[0]).toBe(1);
  });
});
