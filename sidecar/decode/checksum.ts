/**
 * Internet checksums (RFC 1071) of captured packets, and what a captured TCP checksum says: the receiving Linux
 * kernel drops a segment whose checksum is wrong, so the tap must not read one either (docs/evasion.md). Captures
 * taken where the kernel leaves checksums to offload (loopback, veth pairs, GRO-merged packets) carry an unfinished
 * one instead: the sum of the pseudo-header alone, which the sending stack writes for the hardware to complete.
 */
import type { DecodedPacket } from './decoded-packet.ts';

/**
 * Adds the 16-bit big-endian words of bytes [start, end) to `sum` (an odd last octet is padded with zero): high and
 * low octets summed apart, eight at a time, then joined (256 × high + low is the same sum modulo 0xffff).
 */
export const wordSum = (bytes: Uint8Array, start: number, end: number, sum: number): number => {
  let high = 0;
  let low = 0;
  let at = start;
  for (const last = end - 7; at < last; at += 8) {
    high +=
      (bytes[at] as number) +
      (bytes[at + 2] as number) +
      (bytes[at + 4] as number) +
      (bytes[at + 6] as number);
    low +=
      (bytes[at + 1] as number) +
      (bytes[at + 3] as number) +
      (bytes[at + 5] as number) +
      (bytes[at + 7] as number);
  }
  for (; at + 1 < end; at += 2) {
    high += bytes[at] as number;
    low += bytes[at + 1] as number;
  }
  if (at < end) high += bytes[at] as number;
  return sum + fold(high) * 256 + fold(low);
};

/** A sum folded to 16 bits (end-around carry). */
export const fold = (sum: number): number => {
  let total = sum;
  while (total > 0xffff) total = (total % 0x10000) + Math.floor(total / 0x10000);
  return total;
};

/** An IPv4 header's checksum verifies: its words, checksum included, sum to 0xffff. */
export const ipv4HeaderValid = (bytes: Uint8Array, at: number, headerLength: number): boolean =>
  fold(wordSum(bytes, at, at + headerLength, 0)) === 0xffff;

/**
 * What a captured TCP checksum says: `unknown` when the segment is not all captured (snap length); `offloaded` when
 * it holds the pseudo-header sum left for checksum offload (a local or merged packet); `bad` when it is neither
 * valid nor unfinished, so the receiver's kernel drops the segment.
 */
export type ChecksumVerdict = 'unknown' | 'valid' | 'offloaded' | 'bad';

const tcpProtocol = 6;

/** The 16-bit words of both IP addresses summed (unfolded): the address part of the TCP/UDP pseudo-header. */
const addressSum = (packet: DecodedPacket): number =>
  packet.ipVersion === 4
    ? (packet.srcV4 >>> 16) + (packet.srcV4 & 0xffff) + (packet.dstV4 >>> 16) + (packet.dstV4 & 0xffff)
    : wordSum(packet.ipFrame, packet.ipStart + 8, packet.ipStart + 40, 0);

/** The checksum of a decoded TCP segment against its pseudo-header (RFC 9293 section 3.1; RFC 8200 section 8.1). */
export const tcpChecksum = (packet: DecodedPacket): ChecksumVerdict => {
  if (packet.ipHeaderLength > 0 && !ipv4HeaderValid(packet.ipFrame, packet.ipStart, packet.ipHeaderLength))
    return 'bad';
  const start = packet.l4Start;
  if (packet.l4End - start < packet.l4Length) return 'unknown';
  const pseudo = addressSum(packet) + tcpProtocol + (packet.l4Length >>> 16) + (packet.l4Length & 0xffff);
  if (fold(wordSum(packet.l4Bytes, start, packet.l4End, pseudo)) === 0xffff) return 'valid';
  const field = ((packet.l4Bytes[start + 16] as number) << 8) | (packet.l4Bytes[start + 17] as number);
  const unfinished = fold(pseudo);
  // One's complement has two zeros: a writer may put either.
  if (
    field === unfinished ||
    (field === 0 && unfinished === 0xffff) ||
    (field === 0xffff && unfinished === 0)
  )
    return 'offloaded';
  return 'bad';
};
