/**
 * OpenVPN, over UDP (one packet a datagram) and over TCP (each packet after a 2-octet length): detected only from a
 * hard reset whose whole layout holds (openvpn-packet.ts): opcode 7 or 10 from a client, 8 from a server, key id 0, a
 * session id, then exactly the plain, tls-auth (an HMAC of a known size, a replay id from 1, a time between 2000 and
 * 2100) or tls-crypt layout, the ack array and message id 0 where they are in the clear. The other packets (control,
 * ack, data) have too little fixed to name a flow alone, so a tunnel picked up after its handshake stays `unknown`, as
 * nDPI needs the handshake too. A server's reset echoing the client's session id is the parser's strong evidence
 * (`session-answered`), which the vpn-tunnel detector rates above a lone client reset.
 */
import { createFramedParser } from './framed-parser.ts';
import { readReset } from './openvpn-packet.ts';
import { createOpenvpnPackets } from './openvpn-parser.ts';
import type { Detection, Protocol, ProtocolParser } from './protocol.ts';
import { u16be } from './wire-bytes.ts';

/** The first octets of a key id 0 hard reset: client V2 (0x38), server V2 (0x40), client V3 (0x50, tls-crypt-v2). */
const resetOctet = (octet: number): boolean => octet === 0x38 || octet === 0x40 || octet === 0x50;

const detectDatagram = (b: Uint8Array): Detection => {
  if (!resetOctet(b[0] ?? 0)) return 'no-match';
  if (b.length < 14) return 'need-more';
  return readReset(b) === undefined ? 'no-match' : 'match';
};

/** A reset, with a tls-crypt-v2 client key at most 1024 octets (TLS_CRYPT_V2_MAX_WKC_LEN), stays under 2048. */
const maxResetLength = 2048;
/** OpenVPN's TCP packets stay near the tunnel's MTU; a longer length is not OpenVPN's (or is hostile): stop reading. */
const maxPacketLength = 16_384;

const detectStream = (b: Uint8Array): Detection => {
  if ((b[0] ?? 0xff) >= maxResetLength >>> 8) return 'no-match';
  if (b.length < 3) return 'need-more';
  if (!resetOctet(b[2] ?? 0)) return 'no-match';
  const length = ((b[0] ?? 0) << 8) | (b[1] ?? 0);
  if (length < 14) return 'no-match';
  if (b.length < 2 + length) return 'need-more';
  return readReset(b.subarray(2, 2 + length)) === undefined ? 'no-match' : 'match';
};

const createDatagramParser = (): ProtocolParser => {
  const packets = createOpenvpnPackets();
  return {
    parse(chunk, direction, ts) {
      packets.count(chunk.length, ts);
      return packets.packet(chunk, direction, ts);
    },
    gap() {
      // Datagrams stand alone: nothing to resynchronise.
    },
    end: () => packets.end('udp'),
  };
};

/**
 * Over TCP each packet follows its 2-octet length. The framed parser holds a packet's chunks until the whole of it is
 * there and joins them once (many small segments cost linear time); a zero or hostile length stops the direction,
 * and so does a gap (packet boundaries are lost with the bytes).
 */
const createStreamParser = (): ProtocolParser => {
  const packets = createOpenvpnPackets();
  const framed = createFramedParser({
    frame: (b) => {
      if (b.length < 2) return 0;
      const length = u16be(b, 0);
      if (length === 0 || length > maxPacketLength) return -1;
      // The whole length at once: the framed parser then waits for it without joining each chunk.
      return 2 + length;
    },
    message: (m, context) => packets.packet(m.subarray(2), context.direction, context.ts),
  });
  return {
    parse(chunk, direction, ts) {
      packets.count(chunk.length, ts);
      return framed.parse(chunk, direction, ts);
    },
    gap: (direction, lost) => framed.gap(direction, lost),
    end: () => packets.end('tcp'),
  };
};

/** OpenVPN over UDP. */
export const openvpn: Protocol = {
  id: 'openvpn',
  transport: 'udp',
  // Its registered port; often run on 443 or 53 to pass firewalls. A hint for reports only.
  ports: [1194],
  encrypted: true,
  detect: detectDatagram,
  createParser: createDatagramParser,
};

/** OpenVPN over TCP (`--proto tcp-client`/`tcp-server`). */
export const openvpnStream: Protocol = {
  id: 'openvpn',
  transport: 'tcp',
  ports: [1194],
  encrypted: true,
  detect: detectStream,
  createParser: createStreamParser,
};
