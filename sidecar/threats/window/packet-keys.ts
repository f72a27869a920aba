/**
 * Map keys for per-packet detector state. Joining address text and ports into a string per packet (a rope that the
 * map flattens and hashes) cost packet detectors more than their own logic; with the IPv4 addresses as numbers
 * (`PacketEvent.srcV4`/`dstV4`) a key is one short flat string of 16-bit code units, or a number below 2^49. Without
 * them (IPv6, or an event that carries none) the key is the detector's text, as before. The forms never collide: a
 * packed key starts with U+FFFF, which no address text holds, and numbers are not strings.
 */
import type { PacketEvent } from '../threat.ts';

type Text = (packet: PacketEvent) => string;

const packed = 0xffff;
const high = (v4: number): number => v4 >>> 16;
const low = (v4: number): number => v4 & 0xffff;
const v4Of = (v4: number | undefined): number => (v4 === undefined ? -1 : v4);

/** The two addresses, source first, and a 16-bit `tag` (what else the key tells apart: a transport, a port). */
export const addressPairKey = (packet: PacketEvent, tag: number, text: Text): string => {
  const src = v4Of(packet.srcV4);
  const dst = v4Of(packet.dstV4);
  if (src < 0 || dst < 0) return text(packet);
  return String.fromCharCode(packed, tag, high(src), low(src), high(dst), low(dst));
};

/** Endpoint `a` then endpoint `b` (IPv4 numbers and ports), packed; the text when either address is not IPv4. */
const endpointsKey = (
  packet: PacketEvent,
  text: Text,
  a: number | undefined,
  aPort: number,
  b: number | undefined,
  bPort: number,
): string => {
  const first = v4Of(a);
  const second = v4Of(b);
  if (first < 0 || second < 0) return text(packet);
  return String.fromCharCode(packed, high(first), low(first), aPort, high(second), low(second), bPort);
};

/** Both endpoints, source first: one direction of a connection. */
export const connectionKey = (packet: PacketEvent, text: Text): string =>
  endpointsKey(packet, text, packet.srcV4, packet.src.port, packet.dstV4, packet.dst.port);

/** Both endpoints, destination first: the `connectionKey` of a packet going the other way. */
export const reverseConnectionKey = (packet: PacketEvent, text: Text): string =>
  endpointsKey(packet, text, packet.dstV4, packet.dst.port, packet.srcV4, packet.src.port);

/** The source (`side` 'src') or destination address and a 17-bit value (a port, or 65,536 for none): a number. */
export const addressValueKey = (
  packet: PacketEvent,
  side: 'src' | 'dst',
  value: number,
  text: Text,
): string | number => {
  const address = v4Of(side === 'src' ? packet.srcV4 : packet.dstV4);
  return address < 0 ? text(packet) : address * 131_072 + value;
};
