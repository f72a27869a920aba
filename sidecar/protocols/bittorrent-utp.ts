/**
 * uTP (BEP 29, "uTorrent transport protocol"): BitTorrent's peer wire over UDP. Each datagram has a 20-octet header
 * (type and version 1 in the first octet, the first extension's type, a connection id, two timestamps, a window, a
 * sequence and an acknowledgement number), then a chain of extensions (next type, length, data), then payload. A
 * SYN alone (20 octets starting 0x41) is too weak a signature; the first ST_DATA datagram carries the peer wire
 * handshake, which is: a uTP flow is detected from it. Payloads are handed to a peer wire parser in sequence
 * order (a few held back while one is late): a retransmission is dropped, a hole is a gap.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { createPeerWireParser } from './bittorrent-peer.ts';
import { detectHandshake } from './bittorrent-wire.ts';
import type { Detection, ProtocolParser } from './protocol.ts';
import { u16be } from './wire-bytes.ts';

const headerLength = 20;
const stData = 0;
const stSyn = 4;
/** Extension types in use: none (0), selective acks (1), extension bits (2). */
const maxExtension = 2;
const maxExtensions = 8;

export type UtpPacket = { type: number; connectionId: number; seq: number; payload: Uint8Array };

/** A datagram read as a uTP packet (version 1, a known type, an extension chain that holds together), or undefined. */
export const readUtp = (b: Uint8Array): UtpPacket | undefined => {
  if (b.length < headerLength) return undefined;
  const first = b[0] as number;
  const type = first >> 4;
  if ((first & 0x0f) !== 1 || type > stSyn) return undefined;
  let next = b[1] as number;
  let at = headerLength;
  for (let n = 0; next !== 0; n++) {
    if (next > maxExtension || n >= maxExtensions || b.length < at + 2) return undefined;
    const length = b[at + 1] as number;
    if (b.length < at + 2 + length || (next === 1 && (length < 4 || length % 4 !== 0))) return undefined;
    next = b[at] as number;
    at += 2 + length;
  }
  return { type, connectionId: u16be(b, 2), seq: u16be(b, 16), payload: b.subarray(at) };
};

/** An ST_DATA datagram whose payload starts a peer wire handshake (need-more while a prefix could be one). */
export const detectUtp = (b: Uint8Array): Detection => {
  if (b.length === 0) return 'need-more';
  if (b[0] !== 0x01) return 'no-match';
  if (b.length < headerLength) return 'need-more';
  const packet = readUtp(b);
  if (packet === undefined) return 'no-match';
  return packet.payload.length < 20 ? 'no-match' : detectHandshake(packet.payload);
};

/** Out-of-order payloads held per direction, waiting for the one before them; more is a hole (a gap). */
const maxHeld = 64;
/**
 * And their octets, as TCP reassembly bounds its own (stream-reassembler.ts): real uTP packets stay under the path
 * MTU (64 of them are under 100 KiB), but a datagram may carry 64 KiB, and 64 of those would be 4 MiB a direction.
 */
const maxHeldBytes = 256 * 1024;

type Side = { expected: number | undefined; held: Map<number, Uint8Array>; heldBytes: number };

const take = (side: Side, seq: number): Uint8Array | undefined => {
  const payload = side.held.get(seq);
  if (payload === undefined) return undefined;
  side.held.delete(seq);
  side.heldBytes -= payload.length;
  return payload;
};

const hold = (side: Side, seq: number, payload: Uint8Array): void => {
  side.heldBytes += payload.length - (side.held.get(seq)?.length ?? 0);
  side.held.set(seq, payload);
};

/** The peer wire inside one uTP connection, both directions, payloads in sequence order. */
export const createUtpParser = (): ProtocolParser => {
  const wire = createPeerWireParser();
  const sides: Record<Direction, Side> = {
    'to-server': { expected: undefined, held: new Map(), heldBytes: 0 },
    'to-client': { expected: undefined, held: new Map(), heldBytes: 0 },
  };
  /** Feeds the expected payload and those held after it. */
  const flush = (side: Side, first: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
    const events = [...wire.parse(first, direction, ts)];
    for (
      let next = take(side, side.expected ?? -1);
      next !== undefined;
      next = take(side, side.expected ?? -1)
    ) {
      side.expected = ((side.expected ?? 0) + 1) & 0xffff;
      events.push(...wire.parse(next, direction, ts));
    }
    return events;
  };
  /** Too many held: the one awaited is lost; go on from the earliest held. */
  const skipHole = (side: Side, direction: Direction, ts: number): ProtocolEvent[] => {
    wire.gap(direction);
    const base = side.expected ?? 0;
    const earliest = [...side.held.keys()].sort(
      (x, y) => ((x - base) & 0xffff) - ((y - base) & 0xffff),
    )[0] as number;
    const payload = take(side, earliest) as Uint8Array;
    side.expected = (earliest + 1) & 0xffff;
    return flush(side, payload, direction, ts);
  };
  const packet = (p: UtpPacket, direction: Direction, ts: number): ProtocolEvent[] => {
    const side = sides[direction];
    if (p.type !== stData || p.payload.length === 0) return [];
    if (side.expected === undefined || p.seq === side.expected) {
      side.expected = (p.seq + 1) & 0xffff;
      return flush(side, p.payload, direction, ts);
    }
    // 16-bit sequence numbers wrap: behind the expected one (within half the space) is a retransmission.
    if (((p.seq - side.expected) & 0xffff) >= 0x8000) return [];
    // A copy: the datagram's octets may be reused once this call returns.
    hold(side, p.seq, p.payload.slice());
    return side.held.size > maxHeld || side.heldBytes > maxHeldBytes ? skipHole(side, direction, ts) : [];
  };
  return {
    parse(datagram, direction, ts) {
      const p = readUtp(datagram);
      return p === undefined ? [] : packet(p, direction, ts);
    },
    gap: (direction) => wire.gap(direction),
    end: () => wire.end?.() ?? [],
  };
};
