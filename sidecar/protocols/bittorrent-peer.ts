/**
 * A BitTorrent peer connection read as events (bittorrent-wire.ts), each direction on its own: the handshake (info
 * hash, the peer's software from its peer id), each message kind the first time it is sent (for the summary), the
 * extended handshake's client name and extensions, and pieces as a running count and octets, told at the first
 * piece, each time the octets double past 1 MiB, and at the end. Piece payloads are skipped, never held.
 */
import type { Direction, OperationEvent, P2pEvent, ProtocolEvent } from '../events.ts';
import { clientOfPeerId } from './bittorrent-clients.ts';
import {
  extendedId,
  handshakeLength,
  messageNames,
  pexAdded,
  pieceId,
  portId,
  readExtendedHandshake,
  readHandshake,
} from './bittorrent-wire.ts';
import type { ProtocolParser } from './protocol.ts';
import { joinParts, u16be, u32be } from './wire-bytes.ts';

/** The longest message accepted: a 128 KiB block, or a bitfield of a million pieces; longer stops the direction. */
const maxMessage = (1 << 20) + 16;
/** Messages read (extended, port): up to this long; longer ones are skipped unread. */
const maxRead = 64 * 1024;
const firstReport = 1 << 20;

type Side = {
  stage: 'handshake' | 'messages' | 'stopped';
  /**
   * Octets of a unit not yet whole, as they came (copies), and how many the unit needs: joined once it can be read,
   * not at every chunk (a 64 KiB message sent an octet at a time would copy 2 GiB).
   */
  held: Uint8Array[];
  heldBytes: number;
  need: number;
  /** Octets of the current message still to skip. */
  skip: number;
  told: Set<number>;
  pieces: number;
  bytes: number;
  /** Octets at which the next pieces event is told. */
  nextReport: number;
  reported: number;
  /** The extension message ids this side assigned in its extended handshake (the other side sends with them). */
  extensions: Map<number, string>;
};

type Out = { events: ProtocolEvent[]; ts: number; direction: Direction };

const newSide = (): Side => ({
  stage: 'handshake',
  held: [],
  heldBytes: 0,
  need: 0,
  skip: 0,
  told: new Set(),
  pieces: 0,
  bytes: 0,
  nextReport: 0,
  reported: 0,
  extensions: new Map(),
});

const operation = (out: Out, name: string, detail?: string): void => {
  const event: OperationEvent = {
    kind: 'operation',
    ts: out.ts,
    direction: out.direction,
    protocol: 'bittorrent',
    operation: name,
  };
  // Whole: a detail is at most as long as the message read (`maxRead`); cut at 256, padding hid its end (ADR 36).
  if (detail !== undefined && detail !== '') event.detail = detail.slice(0, maxRead);
  out.events.push(event);
};

const p2p = (out: Out, step: P2pEvent['step'], facts: Omit<P2pEvent, 'kind' | 'ts' | 'direction' | 'step'>) =>
  out.events.push({ kind: 'p2p', ts: out.ts, direction: out.direction, step, ...facts });

const piecesEvent = (side: Side, out: Out): void => {
  side.reported = side.pieces;
  p2p(out, 'pieces', { pieces: side.pieces, bytes: side.bytes });
};

const onHandshake = (b: Uint8Array, at: number, out: Out): boolean => {
  const handshake = readHandshake(b, at);
  if (handshake === undefined) return false;
  const client = clientOfPeerId(handshake.peerId);
  const facts = [`info_hash=${handshake.infoHash}`];
  if (client !== undefined) facts.push(`client=${client}`);
  if (handshake.extensions.length > 0) facts.push(`extensions=${handshake.extensions.join(',')}`);
  operation(out, 'handshake', facts.join(' '));
  p2p(
    out,
    'handshake',
    client === undefined ? { infoHash: handshake.infoHash } : { infoHash: handshake.infoHash, client },
  );
  return true;
};

const onExtendedHandshake = (payload: Uint8Array, own: Side, out: Out): void => {
  const handshake = readExtendedHandshake(payload);
  if (handshake === undefined) return;
  own.extensions = handshake.extensions;
  const v = handshake.version === undefined ? '' : `v=${handshake.version} `;
  operation(out, 'extended-handshake', `${v}m=${handshake.names.join(',')}`);
  p2p(out, 'extended', handshake.client === undefined ? {} : { client: handshake.client });
};

/** An extended message (BEP 10): the handshake (id 0), or a message named by the receiver's extension ids. */
const onExtended = (payload: Uint8Array, own: Side, other: Side, out: Out): void => {
  const id = payload[0] ?? -1;
  if (id === 0) {
    onExtendedHandshake(payload.subarray(1), own, out);
    return;
  }
  const name = other.extensions.get(id);
  if (name === undefined) return;
  if (name === 'ut_pex') {
    const peers = pexAdded(payload.subarray(1));
    if (peers !== undefined && peers > 0) p2p(out, 'extended', { action: 'ut_pex', peers });
  }
  // Told once per extension (ids 1000 + n, beside the message ids' 0..255).
  if (own.told.size < 64 && !own.told.has(1000 + id)) {
    own.told.add(1000 + id);
    operation(out, name);
  }
};

/** One whole message body (`b[at, at + length)`, id first) that is read. */
const onMessage = (b: Uint8Array, at: number, length: number, own: Side, other: Side, out: Out): void => {
  const id = b[at] as number;
  if (id === extendedId) onExtended(b.subarray(at + 1, at + length), own, other, out);
  else if (id === portId && length === 3 && !own.told.has(id))
    operation(out, 'port', `dht-port=${u16be(b, at + 1)}`);
  if (!own.told.has(id) && id !== extendedId) {
    own.told.add(id);
    if (id !== portId) operation(out, messageNames[id] ?? `message-${id}`);
  }
};

const onPiece = (own: Side, length: number, out: Out): void => {
  own.pieces++;
  own.bytes += Math.max(0, length - 9);
  if (own.pieces === 1 || own.bytes >= own.nextReport) {
    own.nextReport = Math.max(firstReport, own.nextReport * 2);
    piecesEvent(own, out);
  }
};

const readHandshakeUnit = (b: Uint8Array, at: number, own: Side, out: Out): number => {
  if (b.length < at + handshakeLength) return -handshakeLength;
  own.stage = onHandshake(b, at, out) ? 'messages' : 'stopped';
  return at + handshakeLength;
};

/** Reads one unit from `b` at `at`: returns the offset after it, or minus the octets the unit needs from `at`. */
const step = (b: Uint8Array, at: number, own: Side, other: Side, out: Out): number => {
  if (own.stage === 'handshake') return readHandshakeUnit(b, at, own, out);
  if (b.length < at + 4) return -4;
  const length = u32be(b, at);
  if (length === 0) return at + 4;
  if (length > maxMessage) {
    own.stage = 'stopped';
    return b.length;
  }
  if (b.length < at + 5) return -5;
  const id = b[at + 4] as number;
  if ((id === extendedId || id === portId) && length <= maxRead) {
    if (b.length < at + 4 + length) return -(4 + length);
    onMessage(b, at + 4, length, own, other, out);
    return at + 4 + length;
  }
  onMessage(b, at + 4, 1, own, other, out);
  if (id === pieceId) onPiece(own, length, out);
  own.skip = length - 1;
  return at + 5;
};

/** The octets to read: the chunk, or what was held and the chunk once the unit waited for is whole (else undefined). */
const joined = (chunk: Uint8Array, own: Side): Uint8Array | undefined => {
  if (own.heldBytes === 0) return chunk;
  // The chunk is the caller's only during this call: what waits is copied.
  own.held.push(chunk.slice());
  own.heldBytes += chunk.length;
  if (own.heldBytes < own.need) return undefined;
  const b = joinParts(own.held, own.heldBytes);
  own.held = [];
  own.heldBytes = 0;
  return b;
};

const parseSide = (chunk: Uint8Array, own: Side, other: Side, out: Out): void => {
  const b = joined(chunk, own);
  if (b === undefined) return;
  let at = 0;
  while (at < b.length && own.stage !== 'stopped') {
    if (own.skip > 0) {
      const n = Math.min(own.skip, b.length - at);
      own.skip -= n;
      at += n;
      continue;
    }
    const next = step(b, at, own, other, out);
    if (next < 0) {
      own.held = [b.slice(at)];
      own.heldBytes = b.length - at;
      own.need = -next;
      return;
    }
    at = next;
  }
};

export const createPeerWireParser = (): ProtocolParser => {
  const sides: Record<Direction, Side> = { 'to-server': newSide(), 'to-client': newSide() };
  let lastTs = 0;
  return {
    parse(chunk, direction, ts) {
      lastTs = ts;
      const own = sides[direction];
      if (own.stage === 'stopped') return [];
      const out: Out = { events: [], ts, direction };
      parseSide(chunk, own, sides[direction === 'to-server' ? 'to-client' : 'to-server'], out);
      return out.events;
    },
    gap(direction) {
      sides[direction].stage = 'stopped';
      sides[direction].held = [];
      sides[direction].heldBytes = 0;
    },
    end() {
      const events: ProtocolEvent[] = [];
      for (const direction of ['to-server', 'to-client'] as const) {
        const side = sides[direction];
        if (side.pieces > side.reported) piecesEvent(side, { events, ts: lastTs, direction });
      }
      return events;
    },
  };
};
