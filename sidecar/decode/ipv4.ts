/** IPv4 (RFC 791 section 3.1): header checks, length trimming, fragments handed to the reassembly table. */
import { u8, u16, u32 } from './byte-reader.ts';
import type { DecodedPacket, DecodeOutcome } from './decoded-packet.ts';
import type { FragmentTable } from './ip-fragments.ts';

/** Loose and strict source and record route (RFC 791 section 3.1): option types 131 and 137. */
const lsrr = 0x83;
const ssrr = 0x89;

/**
 * Options the receiving Linux kernel drops the packet for (ip_options_compile, ip_rcv_options): an option whose
 * length is under 2 or runs past the header, and source routing, refused unless accept_source_route is on (it is
 * off for hosts; "all" is 0 in a new network namespace). A tap that read such a packet would read what the pod never
 * gets (insertion).
 */
const optionsDropped = (data: Uint8Array, start: number, end: number): DecodeOutcome | undefined => {
  let at = start;
  while (at < end) {
    const type = data[at] as number;
    if (type === 0) return undefined;
    if (type === 1) {
      at += 1;
      continue;
    }
    const length = at + 1 < end ? (data[at + 1] as number) : 0;
    if (length < 2 || at + length > end) return 'malformed-ip';
    if (type === lsrr || type === ssrr) return 'source-routed';
    at += length;
  }
  return undefined;
};

const reassemble = (
  data: Uint8Array,
  at: number,
  out: DecodedPacket,
  fragments: FragmentTable,
): DecodeOutcome => {
  const flags = u16(data, at + 6);
  // Flags (3 bits: reserved, DF, MF) then the fragment offset in 8-octet units (13 bits).
  const offset = (flags & 0x1fff) * 8;
  const more = (flags & 0x2000) !== 0;
  const key = `4|${out.srcV4}|${out.dstV4}|${out.protocol}|${u16(data, at + 4)}`;
  const result = fragments.add(key, offset, more, out.l4Bytes.subarray(out.l4Start, out.l4End), out.ts);
  out.fragment = { offset, more, overlap: result.overlap };
  if (result.dropped) return 'fragment-dropped';
  if (result.done === undefined) return 'fragment';
  out.l4Bytes = result.done;
  out.l4Start = 0;
  out.l4End = result.done.length;
  out.l4Length = result.done.length;
  out.ipLength = out.l4Length + (u8(data, at) & 0x0f) * 4;
  return 'ok';
};

export const ipv4 = (
  data: Uint8Array,
  at: number,
  out: DecodedPacket,
  fragments: FragmentTable,
): DecodeOutcome => {
  const first = u8(data, at);
  if (first < 0 || at + 20 > data.length) return 'truncated-ip';
  const headerLength = (first & 0x0f) * 4;
  const total = u16(data, at + 2);
  if (first >> 4 !== 4 || headerLength < 20 || total < headerLength) return 'malformed-ip';
  if (at + headerLength > data.length) return 'truncated-ip';
  // Bytes beyond the total length are link padding (e.g. Ethernet's 60-byte minimum); fewer is a cut frame.
  if (at + total > data.length && !out.snapped) return 'truncated-ip';
  const dropped = headerLength > 20 ? optionsDropped(data, at + 20, at + headerLength) : undefined;
  if (dropped !== undefined) return dropped;
  out.ipVersion = 4;
  out.protocol = u8(data, at + 9);
  out.srcV4 = u32(data, at + 12);
  out.dstV4 = u32(data, at + 16);
  out.ipFrame = data;
  out.ipStart = at;
  out.ipHeaderLength = headerLength;
  out.textReady = false;
  out.ipLength = total;
  out.l4Bytes = data;
  out.l4Start = at + headerLength;
  out.l4End = Math.min(at + total, data.length);
  out.l4Length = total - headerLength;
  const flags = u16(data, at + 6);
  if ((flags & 0x3fff) === 0) return 'ok';
  return out.snapped ? 'truncated-ip' : reassemble(data, at, out, fragments);
};
