/** IPv6 (RFC 8200): fixed header, extension header chain (hop-by-hop, routing, fragment, destination, AH). */
import { u8, u16, u32 } from './byte-reader.ts';
import type { DecodedPacket, DecodeOutcome } from './decoded-packet.ts';
import type { FragmentTable } from './ip-fragments.ts';

const hopByHop = 0;
const routing = 43;
const fragmentHeader = 44;
const destinationOptions = 60;
const authentication = 51;
/**
 * Linux sets no limit on how many extension headers precede the transport (its kernel answers a SYN behind nine
 * destination-options headers), so neither does the tap, beyond the packet itself: each header is at least 8
 * octets. Dropping such a packet would let an attacker hide bytes the pod reads. This cap only bounds the walk.
 */
const maxExtensions = 8192;

/** RFC 5952 text form: lowercase, no leading zeros, the longest run of two or more zero groups as '::'. */
export const ipv6Text = (data: Uint8Array, at: number): string => {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(u16(data, at + i * 2));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (list: number[]) => list.map((group) => group.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
};

const isExtension = (next: number): boolean =>
  next === hopByHop || next === routing || next === destinationOptions || next === authentication;

/**
 * Walks extension headers from `at`; returns the offset of the upper-layer header, -1 when they overrun, or -2 for
 * a routing header with segments left (RFC 8200 section 4.4): the packet is for another node, and Linux does not
 * deliver it here (types 0, 3 and 4 are refused or forwarded; type 2, Mobile IPv6, loops back only to an address
 * configured as a home address, which pods do not have). The kernel in a namespace drops a SYN behind a type 2
 * header with one segment left and answers one behind a type 0 header with none.
 */
const skipExtensions = (data: Uint8Array, at: number, out: DecodedPacket, limit: number): number => {
  let offset = at;
  for (let count = 0; isExtension(out.protocol); count++) {
    if (count >= maxExtensions || offset + 8 > limit) return -1;
    if (out.protocol === routing && u8(data, offset + 3) !== 0) return -2;
    const length = u8(data, offset + 1);
    // AH counts 4-octet units minus 2 (RFC 4302 section 2.2); the others 8-octet units beyond the first 8.
    const size = out.protocol === authentication ? (length + 2) * 4 : (length + 1) * 8;
    out.protocol = u8(data, offset);
    offset += size;
  }
  return offset <= limit ? offset : -1;
};

/** The outcome of a failed extension walk. */
const walkFailed = (code: number): DecodeOutcome => (code === -2 ? 'source-routed' : 'malformed-ip');

/** Fragment header (section 4.5): next header(1) reserved(1) offset(13 bits)+res(2)+M(1) identification(4). */
const reassemble = (
  data: Uint8Array,
  at: number,
  end: number,
  out: DecodedPacket,
  fragments: FragmentTable,
): DecodeOutcome => {
  if (at + 8 > end) return 'truncated-ip';
  const field = u16(data, at + 2);
  const offset = field & 0xfff8;
  const more = (field & 1) !== 0;
  out.protocol = u8(data, at);
  const key = `6|${out.src}|${out.dst}|${u32(data, at + 4)}`;
  const result = fragments.add(key, offset, more, data.subarray(at + 8, end), out.ts);
  out.fragment = { offset, more, overlap: result.overlap };
  if (result.dropped) return 'fragment-dropped';
  if (result.done === undefined) return 'fragment';
  const inner = skipExtensions(result.done, 0, out, result.done.length);
  if (inner < 0) return walkFailed(inner);
  out.l4Bytes = result.done;
  out.l4Start = inner;
  out.l4End = result.done.length;
  out.l4Length = result.done.length - inner;
  out.ipLength = 40 + result.done.length;
  return 'ok';
};

export const ipv6 = (
  data: Uint8Array,
  at: number,
  out: DecodedPacket,
  fragments: FragmentTable,
): DecodeOutcome => {
  if (at + 40 > data.length) return 'truncated-ip';
  if (u8(data, at) >> 4 !== 6) return 'malformed-ip';
  const payloadLength = u16(data, at + 4);
  const claimedEnd = at + 40 + payloadLength;
  if (claimedEnd > data.length && !out.snapped) return 'truncated-ip';
  const end = Math.min(claimedEnd, data.length);
  out.ipVersion = 6;
  out.protocol = u8(data, at + 6);
  out.src = ipv6Text(data, at + 8);
  out.dst = ipv6Text(data, at + 24);
  out.srcV4 = -1;
  out.dstV4 = -1;
  out.ipFrame = data;
  out.ipStart = at;
  out.ipHeaderLength = 0;
  out.textReady = true;
  out.ipLength = 40 + payloadLength;
  const upper = skipExtensions(data, at + 40, out, end);
  if (upper < 0) return walkFailed(upper);
  if (out.protocol === fragmentHeader)
    return out.snapped ? 'truncated-ip' : reassemble(data, upper, end, out, fragments);
  out.l4Bytes = data;
  out.l4Start = upper;
  out.l4End = end;
  out.l4Length = claimedEnd - upper;
  return 'ok';
};
