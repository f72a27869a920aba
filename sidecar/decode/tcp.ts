/** TCP header (RFC 9293 section 3.1) and the options that matter (section 3.2: MSS, window scale). */
import { u8, u16, u32 } from './byte-reader.ts';
import type { DecodedPacket, DecodeOutcome } from './decoded-packet.ts';

const noPayload = new Uint8Array(0);

/** Walks the options; false when an option's length is impossible (RFC 9293 section 3.2 says such a segment is bad). */
const readOptions = (l4: Uint8Array, end: number, out: DecodedPacket): boolean => {
  let at = 20;
  while (at < end) {
    const kind = u8(l4, at);
    if (kind === 0) return true;
    if (kind === 1) {
      at += 1;
      continue;
    }
    const length = u8(l4, at + 1);
    if (length < 2 || at + length > end) return false;
    if (kind === 2 && length === 4) out.mss = u16(l4, at + 2);
    else if (kind === 3 && length === 3) out.windowScale = u8(l4, at + 2);
    at += length;
  }
  return true;
};

export const tcp = (out: DecodedPacket): DecodeOutcome => {
  const l4 = out.l4;
  if (l4.length < 20) return out.l4Length < 20 ? 'malformed-tcp' : 'truncated-tcp';
  // Data offset: header length in 32-bit words, at least 5.
  const headerLength = (u8(l4, 12) >> 4) * 4;
  if (headerLength < 20 || headerLength > out.l4Length) return 'malformed-tcp';
  if (headerLength > l4.length) return 'truncated-tcp';
  out.mss = -1;
  out.windowScale = -1;
  if (headerLength > 20 && !readOptions(l4, headerLength, out)) return 'malformed-tcp';
  out.transport = 'tcp';
  out.srcPort = u16(l4, 0);
  out.dstPort = u16(l4, 2);
  out.seq = u32(l4, 4);
  out.ack = u32(l4, 8);
  out.tcpFlags = u8(l4, 13);
  out.window = u16(l4, 14);
  // Most segments are bare ACKs: one shared empty payload instead of a new view per packet.
  out.payload = headerLength === l4.length ? noPayload : l4.subarray(headerLength);
  out.payloadLength = out.l4Length - headerLength;
  return 'ok';
};
