/** UDP header (RFC 768): ports and the length field, which trims link padding. */
import { u16 } from './byte-reader.ts';
import type { DecodedPacket, DecodeOutcome } from './decoded-packet.ts';

export const udp = (out: DecodedPacket): DecodeOutcome => {
  const l4 = out.l4;
  if (l4.length < 8) return out.l4Length < 8 ? 'malformed-udp' : 'truncated-udp';
  const length = u16(l4, 4);
  // Length 0 is allowed only for IPv6 jumbograms (RFC 2675): take the IP payload length then.
  const total = length === 0 && out.ipVersion === 6 ? out.l4Length : length;
  if (total < 8 || total > out.l4Length) return 'malformed-udp';
  out.transport = 'udp';
  out.srcPort = u16(l4, 0);
  out.dstPort = u16(l4, 2);
  out.payload = l4.subarray(8, Math.min(total, l4.length));
  out.payloadLength = total - 8;
  return 'ok';
};
