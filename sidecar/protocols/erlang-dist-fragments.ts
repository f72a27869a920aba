/**
 * Fragmented distribution messages put back together (OTP's erl_ext_dist, "Distribution Header for Fragmented
 * Messages"; DFLAG_FRAGMENTS, OTP 22 and later): a first fragment (131 69, an 8-octet sequence id, an 8-octet
 * fragment id that is the number of fragments, then the atom cache header and the message's first octets) and
 * continuations (131 70, the same sequence id, the fragment id one less each time down to 1, more octets). Messages of
 * several senders may interleave on a connection, so each sequence is gathered apart. Bounded: at most maxMessage
 * octets a message and maxOpen messages open a direction; a message past its bound, with a fragment missing or
 * repeated, replaced by a new first fragment of its sequence id, pushed out by a newer one, or open when the
 * connection ends is read as far as it came, once, and forgotten. Later fragments of a forgotten or unknown sequence
 * are dropped.
 */
import { type AtomCache, readDistHeader } from './erlang-dist-header.ts';
import { u32be } from './wire-bytes.ts';

/** Octets of a message read, whole or in fragments: past them it is read as far as it came. */
export const maxMessage = 1024 * 1024;
/** Messages gathered at once a direction: a newer one pushes out the oldest. */
export const maxOpen = 4;

/** A message's octets after its distribution header (control message, then payload) and the header's atoms. */
export type GatheredMessage = { bytes: Uint8Array; refs: readonly string[] };

/** `bytes` grows by doubling, so a message of many small fragments is one buffer, not one object a fragment. */
type Gathering = { refs: readonly string[]; bytes: Uint8Array; size: number; next: bigint };

/** One direction's messages being gathered, by sequence id, oldest first (a Map keeps the order they opened in). */
export type Fragments = Map<bigint, Gathering>;

/** Fragments' fixed part: 131, the tag, the sequence id and the fragment id. */
const fixed = 18;

const u64be = (b: Uint8Array, at: number): bigint => (BigInt(u32be(b, at)) << 32n) | BigInt(u32be(b, at + 4));

const done = (open: Fragments, id: bigint, gathering: Gathering): GatheredMessage => {
  open.delete(id);
  return { bytes: gathering.bytes.subarray(0, gathering.size), refs: gathering.refs };
};

/** Adds `b` from `from` on, up to the bound (copied: the frame's buffer is not kept); false when the bound cut it. */
const add = (gathering: Gathering, b: Uint8Array, from: number): boolean => {
  const piece = b.subarray(from, from + maxMessage - gathering.size);
  const size = gathering.size + piece.length;
  if (size > gathering.bytes.length) {
    const grown = new Uint8Array(Math.min(maxMessage, Math.max(size, gathering.bytes.length * 2)));
    grown.set(gathering.bytes.subarray(0, gathering.size));
    gathering.bytes = grown;
  }
  gathering.bytes.set(piece, gathering.size);
  gathering.size = size;
  return from + piece.length >= b.length;
};

/** A first fragment (from its 131): the messages it ends, its own when it is the only one or already past the bound. */
export const firstFragment = (open: Fragments, b: Uint8Array, cache: AtomCache): GatheredMessage[] => {
  if (b.length < fixed) return [];
  // The header is read now, in the order first fragments come: the sender's atom cache changed in that order too.
  const header = readDistHeader(b, cache);
  if (header === undefined) return [];
  const id = u64be(b, 2);
  const count = u64be(b, 10);
  const read: GatheredMessage[] = [];
  const same = open.get(id);
  if (same !== undefined) read.push(done(open, id, same));
  else if (open.size >= maxOpen) {
    const [oldestId, oldest] = open.entries().next().value as [bigint, Gathering];
    read.push(done(open, oldestId, oldest));
  }
  const gathering: Gathering = { refs: header.refs, bytes: new Uint8Array(0), size: 0, next: count - 1n };
  open.set(id, gathering);
  if (!add(gathering, b, header.next) || count <= 1n) read.push(done(open, id, gathering));
  return read;
};

/** A continuation (from its 131): its message when this ends it, by its last fragment, a gap or the bound. */
export const nextFragment = (open: Fragments, b: Uint8Array): GatheredMessage[] => {
  if (b.length < fixed) return [];
  const id = u64be(b, 2);
  const gathering = open.get(id);
  if (gathering === undefined) return [];
  const fragment = u64be(b, 10);
  if (fragment !== gathering.next) return [done(open, id, gathering)];
  gathering.next -= 1n;
  return !add(gathering, b, fixed) || fragment <= 1n ? [done(open, id, gathering)] : [];
};

/** Every message still open, as far as it came (the connection ended). */
export const drainFragments = (open: Fragments): GatheredMessage[] =>
  [...open].map(([id, gathering]) => done(open, id, gathering));
