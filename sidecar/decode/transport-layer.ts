/** Dispatches the IP payload to its transport decoder by IP protocol number (IANA protocol numbers). */
import type { DecodedPacket, DecodeOutcome } from './decoded-packet.ts';
import { icmp } from './icmp.ts';
import { tcp } from './tcp.ts';
import { udp } from './udp.ts';

export const transportLayer = (out: DecodedPacket): DecodeOutcome => {
  switch (out.protocol) {
    case 6:
      return tcp(out);
    case 17:
      return udp(out);
    case 1:
      return icmp(out, 'icmp');
    case 58:
      return icmp(out, 'icmpv6');
    default:
      // Other transports (GRE, SCTP, ESP, ...) are counted as flows without ports or protocol detection.
      out.transport = 'other';
      out.payloadStart = out.l4Start;
      out.payloadEnd = out.l4End;
      out.payloadLength = out.l4Length;
      return 'ok';
  }
};
