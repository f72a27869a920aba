/** ICMP (RFC 792) and ICMPv6 (RFC 4443 section 2.1): type, code, and the rest as payload. */
import { u8 } from './byte-reader.ts';
import type { DecodedPacket, DecodeOutcome } from './decoded-packet.ts';

/** Type(1) code(1) checksum(2), then a 4-byte rest-of-header (echo identifier and sequence, etc.). */
export const icmp = (out: DecodedPacket, transport: 'icmp' | 'icmpv6'): DecodeOutcome => {
  const l4 = out.l4;
  if (l4.length < 4) return 'truncated-icmp';
  out.transport = transport;
  out.icmpType = u8(l4, 0);
  out.icmpCode = u8(l4, 1);
  const headerLength = Math.min(8, l4.length);
  out.payload = l4.subarray(headerLength);
  out.payloadLength = Math.max(0, out.l4Length - headerLength);
  return 'ok';
};
