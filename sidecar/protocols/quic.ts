/**
 * QUIC (RFC 9000), the transport of HTTP/3: detected from a client's Initial packet, whose protection anyone can
 * remove (a decryption that verifies is the proof), or from another long header of a known version whose lengths
 * hold. A flow seen only after its handshake (short headers) stays `unknown`.
 */
import type { Direction } from '../events.ts';
import type { Detection, Protocol } from './protocol.ts';
import { initialKeys, knownQuicVersion, openInitial, readLongHeader } from './quic-initial.ts';
import { createQuicParser } from './quic-parser.ts';

/** A client's Initial datagram is at least 1200 octets (RFC 9000 §14.1); a shorter cut one may still grow. */
const minClientDatagram = 1200;

const detectQuic = (datagram: Uint8Array, direction: Direction): Detection => {
  if (datagram.length === 0) return 'need-more';
  if (((datagram[0] ?? 0) & 0xc0) !== 0xc0) return 'no-match'; // not a long header
  if (datagram.length < 5) return 'need-more';
  const version = new DataView(datagram.buffer, datagram.byteOffset, 5).getUint32(1);
  if (!knownQuicVersion(version)) return 'no-match';
  const header = readLongHeader(datagram, 0);
  if (header === undefined) return datagram.length < minClientDatagram ? 'need-more' : 'no-match';
  // Other long-header packets (Handshake, 0-RTT) and a server's Initial match on their header: the server's Initial
  // keys derive from the client's connection ID, which its packets do not carry.
  if (header.type !== 'initial' || direction === 'to-client')
    return header.type === 'retry' ? 'no-match' : 'match';
  const keys = initialKeys(header.version, header.dcid, 'client');
  return keys !== undefined && openInitial(datagram, header, keys) !== undefined ? 'match' : 'no-match';
};

export const quic: Protocol = {
  id: 'quic',
  transport: 'udp',
  // No port hint, though HTTP/3 uses 443: a connection that idled out and resumed sends only short headers, which
  // carry nothing to identify, so a hint would make protocol-mismatch flag every resumed HTTP/3 connection.
  ports: [],
  encrypted: true,
  detect: detectQuic,
  createParser: createQuicParser,
};
