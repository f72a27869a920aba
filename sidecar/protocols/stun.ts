/**
 * STUN (RFC 8489) and TURN (RFC 8656; over TCP, RFC 6062) as `stun`: a direction matches when it opens with a whole
 * STUN message: first octet 0x00 or 0x01 (the methods 0x001-0x07F: Binding and every TURN method), the magic cookie
 * 0x2112A442 at octet 4, a length that is a multiple of 4, a method other than the reserved 0, and attributes that
 * end exactly at the length (stun-message.ts). Over UDP the message must fill the datagram; over TCP it may be
 * followed by the next. The first octet and the cookie refuse every other protocol before any walk; RFC 3489's
 * classic STUN, which has no cookie, is left alone (a 20-octet request with four fixed octets is too weak a sign).
 */
import type { Detection, Protocol } from './protocol.ts';
import { readStunMessage, stunBodyLength, stunHeaderLength } from './stun-message.ts';
import { createStunParser } from './stun-parser.ts';

const cookie = [0x21, 0x12, 0xa4, 0x42];

/** The first octet, then the cookie as far as it has come: what refuses every other protocol at once. */
const opening = (b: Uint8Array): Detection => {
  if (((b[0] ?? 0xff) & 0xfe) !== 0) return 'no-match';
  for (let i = 4; i < Math.min(b.length, 8); i++) if (b[i] !== cookie[i - 4]) return 'no-match';
  return b.length < 8 ? 'need-more' : 'match';
};

const detectStun =
  (datagram: boolean) =>
  (b: Uint8Array): Detection => {
    const opened = opening(b);
    if (opened !== 'match') return opened;
    const whole = stunHeaderLength + stunBodyLength(b);
    if ((whole & 3) !== 0 || (datagram && b.length !== whole)) return 'no-match';
    if (b.length < whole) return 'need-more';
    return readStunMessage(b) === undefined ? 'no-match' : 'match';
  };

/**
 * 3478: STUN and TURN over UDP and TCP. 5349 is TURN over TLS (a `tls` flow, which protocol-mismatch takes on any port)
 * and over DTLS, which the tap does not read: hinted for TCP only, so a DTLS flow there is not called a mismatch.
 */
const udpPorts = [3478];
const tcpPorts = [3478, 5349];

export const stun: Protocol = {
  id: 'stun',
  transport: 'udp',
  ports: udpPorts,
  encrypted: false,
  detect: detectStun(true),
  createParser: createStunParser('udp'),
};

export const stunStream: Protocol = {
  id: 'stun',
  transport: 'tcp',
  ports: tcpPorts,
  encrypted: false,
  detect: detectStun(false),
  createParser: createStunParser('tcp'),
};
