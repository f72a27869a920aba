/** ICMP (RFC 792) and ICMPv6 (RFC 4443 section 2.1): type, code, and the rest as payload. */
import { u8 } from './byte-reader.ts';
import type { DecodedPacket, DecodeOutcome } from './decoded-packet.ts';

/** Type(1) code(1) checksum(2), then a 4-byte rest-of-header (echo identifier and sequence, etc.). */
export const icmp = (out: DecodedPacket, transport: 'icmp' | 'icmpv6'): DecodeOutcome => {
  const bytes = out.l4Bytes;
  const at = out.l4Start;
  const captured = out.l4End - at;
  if (captured < 4) return 'truncated-icmp';
  out.transport = transport;
  out.icmpType = u8(bytes, at);
  out.icmpCode = u8(bytes, at + 1);
  const headerLength = Math.min(8, captured);
  out.payloadStart = at + headerLength;
  out.payloadEnd = out.l4End;
  out.payloadLength = Math.max(0, out.l4Length - headerLength);
  return 'ok';
};
