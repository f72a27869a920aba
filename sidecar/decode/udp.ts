/** UDP header (RFC 768): ports and the length field, which trims link padding. */
import { u16 } from './byte-reader.ts';
import type { DecodedPacket, DecodeOutcome } from './decoded-packet.ts';

export const udp = (out: DecodedPacket): DecodeOutcome => {
  const bytes = out.l4Bytes;
  const at = out.l4Start;
  const captured = out.l4End - at;
  if (captured < 8) return out.l4Length < 8 ? 'malformed-udp' : 'truncated-udp';
  const length = u16(bytes, at + 4);
  // Length 0 is allowed only for IPv6 jumbograms (RFC 2675): take the IP payload length then.
  const total = length === 0 && out.ipVersion === 6 ? out.l4Length : length;
  if (total < 8 || total > out.l4Length) return 'malformed-udp';
  out.transport = 'udp';
  out.srcPort = u16(bytes, at);
  out.dstPort = u16(bytes, at + 2);
  out.payloadStart = at + 8;
  out.payloadEnd = at + Math.min(total, captured);
  out.payloadLength = total - 8;
  return 'ok';
};
