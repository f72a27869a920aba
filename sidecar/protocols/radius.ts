/**
 * RADIUS over UDP (RFC 2865 authentication, RFC 2866 accounting, RFC 5176 Dynamic Authorization) as `radius`: a
 * datagram matches when it is one whole packet (radius-packet.ts): a code RADIUS defines (1-5, 11-13, 40-45), a length
 * equal to the datagram's, 20 to 4096 octets, and attributes ending exactly there; a request's code only from the
 * client, a response's only from the server. The first octet and the length refuse other datagrams before any walk:
 * text protocols' third octet makes a length past 4096, WireGuard's and memcached's zeros one below 20, STUN's length
 * leaves out its 20-octet header. RADIUS over TLS (RadSec, RFC 6614, port 2083) is `tls`; over DTLS it is not read.
 */
import type { Direction } from '../events.ts';
import type { Detection, Protocol } from './protocol.ts';
import { isRadiusPacket, radiusCode } from './radius-packet.ts';
import { createRadiusParser } from './radius-parser.ts';

const detectRadius = (b: Uint8Array, direction: Direction): Detection => {
  const code = radiusCode(b[0] ?? 0);
  if (code === undefined || code.request !== (direction === 'to-server')) return 'no-match';
  // The engine's candidate table asks about one octet: a code of the right side may still open a packet.
  if (b.length < 4) return 'need-more';
  return isRadiusPacket(b) ? 'match' : 'no-match';
};

/**
 * 1812 and 1813 (RFC 2865, 2866), their old 1645 and 1646, and 3799 (RFC 5176's Dynamic Authorization): hints for
 * reporting only.
 */
export const radius: Protocol = {
  id: 'radius',
  transport: 'udp',
  ports: [1812, 1813, 1645, 1646, 3799],
  encrypted: false,
  detect: detectRadius,
  createParser: createRadiusParser,
};
