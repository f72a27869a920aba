/**
 * GIOP over TCP (IIOP): each direction is a run of messages, a 12-octet header and its size in octets. Messages are
 * cut from the stream (the first 64 KiB of each kept, the rest passed over by count), fragments put back together
 * (giop-fragments.ts), and each whole message told as an operation event (giop-message.ts). A header that does not
 * hold, or a loss, stops that direction: its framing is gone.
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { createGiopFragments, type GiopFragments, maxGiopKept } from './giop-fragments.ts';
import { type GiopHeader, giopHeaderSize, readGiopHeader } from './giop-header.ts';
import { type GiopPending, giopMessageEvent } from './giop-message.ts';
import type { ProtocolParser } from './protocol.ts';
import { joinParts } from './wire-bytes.ts';

type Side = {
  parts: Uint8Array[];
  size: number;
  header: GiopHeader | undefined;
  /** Octets of the current message past what is kept, still to pass over. */
  skip: number;
  stopped: boolean;
  fragments: GiopFragments;
};

const newSide = (): Side => ({
  parts: [],
  size: 0,
  header: undefined,
  skip: 0,
  stopped: false,
  fragments: createGiopFragments(),
});

const joined = (side: Side): Uint8Array => {
  const all = joinParts(side.parts, side.size);
  side.parts = [all];
  return all;
};

/** The next message's kept octets, once they are all in; the octets after them are left in `side`. */
const nextMessage = (
  side: Side,
): { header: GiopHeader; message: Uint8Array; rest: Uint8Array } | undefined => {
  if (side.header === undefined) {
    if (side.size < giopHeaderSize) return undefined;
    const header = readGiopHeader(joined(side));
    if (typeof header === 'string') {
      side.stopped = true;
      return undefined;
    }
    side.header = header;
  }
  const header = side.header;
  const kept = giopHeaderSize + Math.min(header.size, maxGiopKept);
  if (side.size < kept) return undefined;
  const all = joined(side);
  side.parts = [];
  side.size = 0;
  side.header = undefined;
  side.skip = header.size + giopHeaderSize - kept;
  return { header, message: all.subarray(0, kept), rest: all.subarray(kept) };
};

export const createGiopParser = (): ProtocolParser => {
  const sides: Record<Direction, Side> = { 'to-server': newSide(), 'to-client': newSide() };
  const pending: GiopPending = { 'to-server': new Map(), 'to-client': new Map() };

  const tell = (side: Side, header: GiopHeader, message: Uint8Array, d: Direction, ts: number) => {
    const whole =
      header.type === 'fragment'
        ? side.fragments.fragment(header, message)
        : side.fragments.message(header, message);
    return whole === undefined ? [] : [giopMessageEvent(whole.message, whole.header, d, ts, pending)];
  };

  const parse = (chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] => {
    const side = sides[direction];
    const told: ProtocolEvent[] = [];
    let rest = chunk;
    let ours = false;
    while (rest.length > 0 && !side.stopped) {
      if (side.skip > 0) {
        const passed = Math.min(side.skip, rest.length);
        side.skip -= passed;
        rest = rest.subarray(passed);
        continue;
      }
      // Kept octets are copied: the chunk is the caller's.
      side.parts.push(ours ? rest : rest.slice());
      side.size += rest.length;
      const next = nextMessage(side);
      if (next === undefined) break;
      told.push(...tell(side, next.header, next.message, direction, ts));
      rest = next.rest;
      ours = true;
    }
    return told;
  };

  return {
    parse,
    gap(direction: Direction): ProtocolEvent[] {
      const side = sides[direction];
      side.stopped = true;
      side.parts = [];
      side.size = 0;
      side.fragments.clear();
      return [];
    },
  };
};
