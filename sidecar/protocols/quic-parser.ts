/**
 * QUIC flows: the Initial packets of both sides are decrypted (their keys are public, RFC 9001 §5.2), their CRYPTO
 * frames put back in order, and the TLS ClientHello and ServerHello in them read as for TLS over TCP (SNI, ALPN, JA3,
 * the negotiated version). Everything after the Initials is encrypted with keys only the endpoints hold.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import type { ProtocolParser } from './protocol.ts';
import { type CryptoPiece, initialCryptoPieces } from './quic-frames.ts';
import {
  type InitialKeys,
  initialKeys,
  type LongHeader,
  openInitial,
  readLongHeader,
} from './quic-initial.ts';
import { clientHelloEvent, parseClientHello } from './tls-client-hello.ts';
import { parseServerHello } from './tls-server-hello.ts';

/** A ClientHello with post-quantum key shares is 1.5 to 2 KiB; bound what one side's handshake stream may hold. */
const maxStream = 16 * 1024;
const maxPacketsPerDatagram = 8;
/** Pieces held per side: a ClientHello comes in a few; thousands of tiny ones are an attack on the tap, not a hello. */
const maxPieces = 256;

type Side = {
  /** The handshake stream's pieces received so far, in arrival order (put in order when a message is looked for). */
  pieces: CryptoPiece[];
  done: boolean;
  keys?: { version: number; dcid: string; keys: InitialKeys };
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const openWith = (
  keys: InitialKeys | undefined,
  datagram: Uint8Array,
  header: LongHeader,
): Uint8Array | undefined => (keys === undefined ? undefined : openInitial(datagram, header, keys));

/** The contiguous prefix of the stream from offset 0, if its first handshake message is complete. */
const firstMessage = (pieces: readonly CryptoPiece[]): { type: number; body: Uint8Array } | undefined => {
  const sorted = [...pieces].sort((a, b) => a.offset - b.offset);
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const piece of sorted) {
    if (piece.offset > length) break;
    const fresh = piece.data.subarray(length - piece.offset);
    parts.push(fresh);
    length += fresh.length;
  }
  const stream = Buffer.concat(parts);
  if (stream.length < 4) return undefined;
  const size = ((stream[1] ?? 0) << 16) | ((stream[2] ?? 0) << 8) | (stream[3] ?? 0);
  return stream.length < 4 + size ? undefined : { type: stream[0] ?? 0, body: stream.subarray(4, 4 + size) };
};

/** Keeps a packet's pieces within the stream bound; past `maxPieces` the side is given up, not sorted forever. */
const hold = (side: Side, pieces: readonly CryptoPiece[]): void => {
  for (const { offset, data } of pieces)
    if (offset + data.length <= maxStream) side.pieces.push({ offset, data: data.slice() });
  if (side.pieces.length > maxPieces) {
    side.done = true;
    side.pieces = [];
  }
};

export const createQuicParser = (): ProtocolParser => {
  const sides: Record<Direction, Side> = {
    'to-server': { pieces: [], done: false },
    'to-client': { pieces: [], done: false },
  };
  /** The Destination Connection ID of the client's latest Initial: both sides' Initial keys derive from it. */
  let clientDcid: Uint8Array | undefined;

  const keysFor = (side: Side, version: number, dcid: Uint8Array, who: 'client' | 'server') => {
    const id = hex(dcid);
    if (side.keys?.version !== version || side.keys.dcid !== id) {
      const keys = initialKeys(version, dcid, who);
      if (keys === undefined) return undefined;
      side.keys = { version, dcid: id, keys };
    }
    return side.keys.keys;
  };

  const hello = (direction: Direction, side: Side, ts: number): ProtocolEvent | undefined => {
    const message = firstMessage(side.pieces);
    if (message === undefined) return undefined;
    side.done = true;
    side.pieces = [];
    if (direction === 'to-server' && message.type === 1) {
      const parsed = parseClientHello(message.body);
      return parsed === undefined
        ? undefined
        : clientHelloEvent(parsed, parsed.legacyVersion, direction, ts, 'q');
    }
    if (direction === 'to-client' && message.type === 2) return parseServerHello(message.body, direction, ts);
    return undefined;
  };

  /** One Initial packet's CRYPTO pieces, kept within the stream bound. */
  const absorbInitial = (
    datagram: Uint8Array,
    header: LongHeader,
    direction: Direction,
    side: Side,
  ): void => {
    if (direction === 'to-server') clientDcid = header.dcid.slice();
    if (clientDcid === undefined) return;
    const who = direction === 'to-server' ? 'client' : 'server';
    const payload = openWith(keysFor(side, header.version, clientDcid, who), datagram, header);
    const pieces = payload === undefined ? [] : (initialCryptoPieces(payload) ?? []);
    hold(side, pieces);
  };

  /** Each Initial packet in the datagram (coalesced packets included). */
  const absorb = (datagram: Uint8Array, direction: Direction, side: Side): void => {
    let at = 0;
    for (let n = 0; n < maxPacketsPerDatagram && at < datagram.length; n++) {
      const header = readLongHeader(datagram, at);
      if (header === undefined) return; // a short header (1-RTT) or padding: nothing more to read
      at = header.end;
      if (header.type === 'initial') absorbInitial(datagram, header, direction, side);
    }
  };

  return {
    parse(datagram, direction, ts) {
      const side = sides[direction];
      if (side.done) return [];
      absorb(datagram, direction, side);
      const event = hello(direction, side, ts);
      return event === undefined ? [] : [event];
    },
    gap() {},
  };
};
