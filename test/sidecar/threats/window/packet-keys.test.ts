import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PacketEvent } from '#sidecar/threats/threat.ts';
import {
  addressPairKey,
  addressValueKey,
  connectionKey,
  reverseConnectionKey,
} from '#sidecar/threats/window/packet-keys.ts';
import { packet } from '../threat-factories.ts';

const v4Text = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const v4Packet = (src: number, sport: number, dst: number, dport: number): PacketEvent =>
  packet({
    src: { ip: v4Text(src), port: sport },
    dst: { ip: v4Text(dst), port: dport },
    srcV4: src,
    dstV4: dst,
  });
const text = (p: PacketEvent) => `${p.src.ip}:${p.src.port}>${p.dst.ip}:${p.dst.port}`;
const reverseText = (p: PacketEvent) => `${p.dst.ip}:${p.dst.port}>${p.src.ip}:${p.src.port}`;

const address = fc.oneof(
  fc.integer({ min: 0, max: 0xffff_ffff }),
  fc.integer({ min: 0x0a00_0000, max: 0x0a00_0003 }),
);
const port = fc.oneof(fc.integer({ min: 0, max: 65_535 }), fc.constantFrom(0, 80, 65_535));
const endpoints = fc.tuple(address, port, address, port);

describe('packet keys', () => {
  it('are equal exactly when the text keys are (IPv4 addresses given as numbers)', () => {
    fc.assert(
      fc.property(
        endpoints,
        endpoints,
        fc.integer({ min: 0, max: 0xffff }),
        ([a, b, c, d], [e, f, g, h], tag) => {
          const one = v4Packet(a, b, c, d);
          const two = v4Packet(e, f, g, h);
          const same = (x: unknown, y: unknown, textsEqual: boolean) => expect(x === y).toBe(textsEqual);
          same(connectionKey(one, text), connectionKey(two, text), text(one) === text(two));
          same(reverseConnectionKey(one, text), connectionKey(two, text), reverseText(one) === text(two));
          same(addressPairKey(one, tag, text), addressPairKey(two, tag, text), a === e && c === g);
          same(
            addressValueKey(one, 'dst', d, text),
            addressValueKey(two, 'dst', h, text),
            `${one.dst.ip}:${d}` === `${two.dst.ip}:${h}`,
          );
          same(addressValueKey(one, 'src', 65_536, text), addressValueKey(two, 'src', h, text), false);
        },
      ),
    );
  });

  it('fall back to the text without numbers (IPv6, or an event that carries none)', () => {
    const v6 = packet({
      src: { ip: 'fd00::1', port: 1 },
      dst: { ip: 'fd00::2', port: 2 },
      srcV4: -1,
      dstV4: -1,
    });
    expect(connectionKey(v6, text)).toBe('fd00::1:1>fd00::2:2');
    expect(reverseConnectionKey(packet(), reverseText)).toBe(reverseText(packet()));
    expect(addressValueKey(packet(), 'src', 1, () => 'text')).toBe('text');
    expect(addressPairKey(v6, 7, () => 'text')).toBe('text');
  });
});
