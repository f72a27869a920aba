/**
 * IKE, IPsec's key exchange (RFC 7296 IKEv2; RFC 2408/2409 ISAKMP and IKEv1), from its bytes. Over UDP each datagram
 * is one IKE message (port 500), or behind NAT traversal's port (4500, RFC 3948 §2) a 4-octet zero non-ESP marker
 * then an IKE message, while datagrams without the marker there are ESP and a lone 0xFF octet is a NAT-keepalive.
 * Over TCP (RFC 8229, RFC 9329) the initiator's stream starts `IKETCP`, then both ways each IKE message or ESP packet
 * follows a 2-octet length that counts itself, an IKE message behind the non-ESP marker. A flow matches only on a
 * whole IKE message whose header and payload chain hold (ike-header.ts), never on ESP, a keepalive or the port:
 * the version octet (0x20, 0x10) and the exchange type refuse nearly everything at once, then the length must equal
 * the datagram's, the SPIs and message id must suit the exchange, and the chain must end exactly at the end.
 */
import { createFramedParser } from './framed-parser.ts';
import { headerLength, readIkeMessage } from './ike-header.ts';
import { createIkePackets } from './ike-packets.ts';
import type { Detection, Protocol, ProtocolParser } from './protocol.ts';
import { startsWithAscii, u16be, u32be } from './wire-bytes.ts';

const tcpPrefix = 'IKETCP';
/** The longest IKE message or ESP packet over TCP read (RFC 8229's length field allows 65535). */
const maxFrame = 65_535;
/** A responder's IKE_SA_INIT answer over TCP stays under 8 KiB (its KE at most 1 KiB for MODP_8192). */
const maxFirstAnswer = 8192;
/** ESP's SPI and sequence number (RFC 4303 §2): the least an ESP packet holds. */
const minEsp = 8;

/** A message, or a marker and a message: the version octet first (offset 17), the rest only when it is IKE's. */
const detectMessage = (b: Uint8Array): Detection => {
  const at = b.length >= 4 && u32be(b, 0) === 0 ? 4 : 0;
  if (b.length < at + headerLength) return 'need-more';
  const version = b[at + 17];
  if (version !== 0x20 && version !== 0x10) return 'no-match';
  const m = readIkeMessage(at === 0 ? b : b.subarray(at));
  // IKEv1's encrypted messages have no payload chain to walk: they never name a flow alone.
  return m === undefined || (m.encrypted > 0 && m.payloads.length === 0) ? 'no-match' : 'match';
};

const detectDatagram = (b: Uint8Array): Detection => detectMessage(b);

/** The initiator's `IKETCP` and its first framed message; the responder's first framed message. */
const detectStream = (b: Uint8Array, direction: 'to-server' | 'to-client'): Detection => {
  let at = 0;
  if (direction === 'to-server') {
    if (!startsWithAscii(b, tcpPrefix, true)) return 'no-match';
    at = tcpPrefix.length;
  } else if ((b[0] ?? 0) >= maxFirstAnswer >>> 8) return 'no-match';
  if (b.length < at + 2) return 'need-more';
  const length = u16be(b, at);
  if (length < 2 + 4 + headerLength) return 'no-match';
  // The marker's four zero octets decide early; an ESP packet first says nothing.
  for (let i = at + 2; i < Math.min(b.length, at + 6); i++) if (b[i] !== 0) return 'no-match';
  if (b.length < at + length) return 'need-more';
  const m = readIkeMessage(b.subarray(at + 6, at + length));
  return m === undefined || (m.encrypted > 0 && m.payloads.length === 0) ? 'no-match' : 'match';
};

const createDatagramParser = (): ProtocolParser => {
  const packets = createIkePackets();
  let marked = false;
  return {
    parse(chunk, direction, ts) {
      packets.count(chunk.length, ts);
      if (chunk.length === 1 && chunk[0] === 0xff) {
        packets.keepalive();
        return [];
      }
      if (chunk.length >= 4 && u32be(chunk, 0) === 0) {
        marked = true;
        return packets.message(chunk.subarray(4), direction, ts, true);
      }
      // Behind the marker's port, what has no marker is ESP (RFC 3948 §2.2); on 500 there is none.
      if (marked && chunk.length >= minEsp) return packets.esp(chunk, direction, ts);
      return packets.message(chunk, direction, ts, false);
    },
    gap() {
      // Datagrams stand alone: nothing to resynchronise.
    },
    end: () => packets.end('udp'),
  };
};

/** Over TCP: the prefix once, then length-prefixed IKE messages (behind the marker) or ESP packets. */
const createStreamParser = (): ProtocolParser => {
  const packets = createIkePackets();
  let prefix = true;
  const framed = createFramedParser({
    frame: (b, direction) => {
      if (direction === 'to-server' && prefix) {
        if (b.length < tcpPrefix.length) return 0;
        if (startsWithAscii(b, tcpPrefix)) return tcpPrefix.length;
        prefix = false;
      }
      if (b.length < 2) return 0;
      const length = u16be(b, 0);
      return length < 2 + minEsp || length > maxFrame ? -1 : length;
    },
    message: (m, { direction, ts }) => {
      if (direction === 'to-server' && prefix && startsWithAscii(m, tcpPrefix)) {
        prefix = false;
        return [];
      }
      if (u32be(m, 2) === 0) return packets.message(m.subarray(6), direction, ts, false);
      return packets.esp(m.subarray(2), direction, ts);
    },
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

/** IKE over UDP: 500, and NAT traversal's 4500 (RFC 3947, RFC 3948). Hints for reports only. */
export const ike: Protocol = {
  id: 'ike',
  transport: 'udp',
  ports: [500, 4500],
  encrypted: true,
  detect: detectDatagram,
  createParser: createDatagramParser,
};

/** IKE and ESP over TCP (RFC 8229): 4500 is the port RFC 9329 suggests; any port may be configured. */
export const ikeStream: Protocol = {
  id: 'ike',
  transport: 'tcp',
  ports: [4500],
  encrypted: true,
  detect: detectStream,
  createParser: createStreamParser,
};
