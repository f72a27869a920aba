/**
 * Frames a STUN/TURN flow for its session (stun-session.ts). Over UDP each datagram is one STUN message or one TURN
 * ChannelData message (RFC 8656 §12.4: a channel number, a length, the data); anything else is counted by its first
 * octet (DTLS, RTP: RFC 7983). Over TCP (RFC 8656 §12.5, RFC 6062) messages come back to back, ChannelData padded to
 * 4 octets; a message past 64 KiB + 20 cannot be, and an octet that opens neither stops the direction, as a loss does.
 * After an RFC 6062 ConnectionBind's success the connection is the peer's raw TCP data: counted, not read.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import type { ProtocolParser } from './protocol.ts';
import { opensStunHeader, readStunMessage, stunBodyLength, stunHeaderLength } from './stun-message.ts';
import { createStunSession, type StunSession } from './stun-session.ts';
import { joinParts, u16be } from './wire-bytes.ts';

/**
 * A ChannelData message's first octet: channel numbers 0x4000-0x4FFF in RFC 8656, 0x4000-0x7FFF in RFC 5766, which
 * coturn's own client still uses (0x56f0, 0x7110 in stun-messages.ts).
 */
const isChannel = (first: number): boolean => first >= 0x40 && first <= 0x7f;

const datagram = (
  session: StunSession,
  b: Uint8Array,
  d: Direction,
  ts: number,
  out: ProtocolEvent[],
): void => {
  const first = b[0] ?? 0;
  const message = first <= 1 ? readStunMessage(b) : undefined;
  if (message !== undefined && stunHeaderLength + stunBodyLength(b) === b.length)
    session.message(message, d, ts, out);
  else if (isChannel(first) && b.length >= 4 && 4 + u16be(b, 2) <= b.length)
    session.channelData(u16be(b, 0), u16be(b, 2), d, ts, out);
  else session.other(first);
};

type Side = { held: Uint8Array; skip: number; stopped: boolean };

/** A ChannelData message at the start of `b` (its header whole): told, and the octets to go past it. */
const channelMessage = (
  session: StunSession,
  b: Uint8Array,
  d: Direction,
  ts: number,
  out: ProtocolEvent[],
) => {
  const length = u16be(b, 2);
  session.channelData(u16be(b, 0), length, d, ts, out);
  return 4 + ((length + 3) & ~3);
};

/**
 * The next unit of `b`: the octets it takes (0 when it is not whole yet), or -1 when the octets open neither a STUN
 * message nor ChannelData, or the message does not walk: the framing is lost.
 */
const nextUnit = (
  session: StunSession,
  b: Uint8Array,
  d: Direction,
  ts: number,
  out: ProtocolEvent[],
): number => {
  const first = b[0] ?? 0;
  if (isChannel(first)) return channelMessage(session, b, d, ts, out);
  if (first > 1 || (b.length >= 8 && !opensStunHeader(b))) return -1;
  if (b.length < stunHeaderLength) return 0;
  const whole = stunHeaderLength + stunBodyLength(b);
  if (b.length < whole) return 0;
  const message = readStunMessage(b);
  if (message === undefined) return -1;
  session.message(message, d, ts, out);
  return whole;
};

/** Reads the back-to-back messages of one TCP direction: what is whole in `held`, the rest kept for the next chunk. */
const stream = (session: StunSession, side: Side, d: Direction, ts: number, out: ProtocolEvent[]): void => {
  let b = side.held;
  while (b.length >= 4 && !session.bound()) {
    const taken = nextUnit(session, b, d, ts, out);
    if (taken < 0) {
      side.stopped = true;
      side.held = new Uint8Array(0);
      return;
    }
    if (taken === 0) break;
    side.skip = Math.max(0, taken - b.length);
    b = b.subarray(Math.min(taken, b.length));
  }
  // After a ConnectionBind's success what follows is the peer's data.
  if (session.bound() && b.length > 0) {
    session.raw(b.length, d);
    b = b.subarray(b.length);
  }
  side.held = b.slice();
};

const newSide = (): Side => ({ held: new Uint8Array(0), skip: 0, stopped: false });

/** One TCP chunk: past the rest of a ChannelData's data first, then framed. */
const streamChunk = (session: StunSession, side: Side, chunk: Uint8Array, d: Direction, ts: number) => {
  const out: ProtocolEvent[] = [];
  if (side.stopped) return out;
  const skipped = Math.min(side.skip, chunk.length);
  side.skip -= skipped;
  const rest = chunk.subarray(skipped);
  if (session.bound()) session.raw(rest.length, d);
  else if (rest.length > 0) {
    side.held = side.held.length === 0 ? rest : joinParts([side.held, rest], side.held.length + rest.length);
    stream(session, side, d, ts, out);
  }
  return out;
};

export const createStunParser = (transport: 'udp' | 'tcp') => (): ProtocolParser => {
  const session = createStunSession();
  const sides: Record<Direction, Side> = { 'to-server': newSide(), 'to-client': newSide() };
  let lastTs = 0;
  return {
    parse(chunk, direction, ts) {
      lastTs = ts;
      if (transport === 'tcp') return streamChunk(session, sides[direction], chunk, direction, ts);
      const out: ProtocolEvent[] = [];
      datagram(session, chunk, direction, ts, out);
      return out;
    },
    gap(direction, lost) {
      const side = sides[direction];
      // Inside a ChannelData's data a known loss is skipped over; anywhere else the framing is gone.
      if (lost !== undefined && side.skip >= lost && side.held.length === 0) side.skip -= lost;
      else if (session.bound()) session.raw(lost ?? 0, direction);
      else side.stopped = true;
    },
    end: () => session.end(lastTs),
  };
};
