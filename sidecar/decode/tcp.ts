/** TCP header (RFC 9293 section 3.1) and the options that matter (section 3.2: MSS, window scale; RFC 7323 timestamps). */
import { u8, u16, u32 } from './byte-reader.ts';
import type { DecodedPacket, DecodeOutcome } from './decoded-packet.ts';

/** The options that matter: MSS (2), window scale (3), timestamps (8, the sender's TSval), MD5 (19), AO (29). */
const readOption = (
  bytes: Uint8Array,
  at: number,
  kind: number,
  length: number,
  out: DecodedPacket,
): void => {
  if (kind === 2 && length === 4) out.mss = u16(bytes, at + 2);
  else if (kind === 3 && length === 3) out.windowScale = u8(bytes, at + 2);
  else if (kind === 8 && length === 10) out.tsVal = u32(bytes, at + 2);
  // TCP MD5 (RFC 2385: Linux reads only the 18-octet form) and TCP-AO (RFC 5925).
  else if ((kind === 19 && length === 18) || kind === 29) out.authOption = kind;
};

/**
 * Walks the options between `start` (the header's first octet) and `end` (its last + 1); false when an option's
 * length is impossible (RFC 9293 section 3.2 says such a segment is bad).
 */
const readOptions = (bytes: Uint8Array, start: number, end: number, out: DecodedPacket): boolean => {
  let at = start + 20;
  while (at < end) {
    const kind = u8(bytes, at);
    if (kind === 0) return true;
    if (kind === 1) {
      at += 1;
      continue;
    }
    const length = u8(bytes, at + 1);
    if (length < 2 || at + length > end) return false;
    readOption(bytes, at, kind, length, out);
    at += length;
  }
  return true;
};

export const tcp = (out: DecodedPacket): DecodeOutcome => {
  const bytes = out.l4Bytes;
  const at = out.l4Start;
  const captured = out.l4End - at;
  if (captured < 20) return out.l4Length < 20 ? 'malformed-tcp' : 'truncated-tcp';
  // Data offset: header length in 32-bit words, at least 5.
  const headerLength = (u8(bytes, at + 12) >> 4) * 4;
  if (headerLength < 20 || headerLength > out.l4Length) return 'malformed-tcp';
  if (headerLength > captured) return 'truncated-tcp';
  out.mss = -1;
  out.windowScale = -1;
  out.tsVal = -1;
  out.authOption = 0;
  if (headerLength > 20 && !readOptions(bytes, at, at + headerLength, out)) return 'malformed-tcp';
  out.transport = 'tcp';
  out.srcPort = u16(bytes, at);
  out.dstPort = u16(bytes, at + 2);
  out.seq = u32(bytes, at + 4);
  out.ack = u32(bytes, at + 8);
  out.tcpFlags = u8(bytes, at + 13);
  out.window = u16(bytes, at + 14);
  out.urgentPointer = u16(bytes, at + 18);
  out.payloadStart = at + headerLength;
  out.payloadEnd = out.l4End;
  out.payloadLength = out.l4Length - headerLength;
  return 'ok';
};
