/**
 * The distribution header before each message between connected nodes (OTP's erl_ext_dist, "Distribution Header"):
 * 131 68 (or 131 69, a fragmented message's first fragment, after an 8-octet sequence id and an 8-octet fragment id),
 * the number of atom cache references, a half-octet of flags for each (a new entry bit and a segment index) and one
 * for the header (long atoms), then each reference: a new one with its atom's text, which the sender's cache keeps
 * at segment * 256 + index, or the index of one sent before. The cache has 2048 entries, so it is bounded by
 * construction; one is kept per direction of a connection.
 */
import { u16be, utf8View } from './wire-bytes.ts';

/** One direction's atom cache: 8 segments of 256 entries. */
export type AtomCache = (string | undefined)[];

export const createAtomCache = (): AtomCache => new Array<string | undefined>(2048);

export type DistHeader = {
  /** The message's references in order: what ATOM_CACHE_REF n means in the terms that follow. */
  refs: string[];
  /** Where the control message starts. */
  next: number;
};

/** Half-octet `index` of the flags that start at `at`: even ones in the low half, odd ones in the high half. */
const nibble = (b: Uint8Array, at: number, index: number): number => {
  const octet = b[at + (index >> 1)] ?? 0;
  return index % 2 === 0 ? octet & 0x0f : octet >> 4;
};

/** One reference at `at`: its atom (a new entry is stored in the cache) and the offset after it. */
const readRef = (b: Uint8Array, at: number, flag: number, longAtoms: boolean, cache: AtomCache) => {
  const key = (flag & 0x7) * 256 + (b[at] ?? 0);
  if ((flag & 0x8) === 0) return at < b.length ? { atom: cache[key] ?? '', next: at + 1 } : undefined;
  const length = longAtoms ? u16be(b, at + 1) : (b[at + 1] ?? 0);
  const start = at + (longAtoms ? 3 : 2);
  const end = start + length;
  if (end > b.length || length > 1020) return undefined;
  const atom = utf8View(b, start, end);
  cache[key] = atom;
  return { atom, next: end };
};

/**
 * The header of a packet `b` (from its 131): undefined when it is not a normal header or a first fragment's, or is
 * cut. A continuation fragment (131 70) has no header: erlang-dist-fragments.ts adds its octets to its message.
 */
export const readDistHeader = (b: Uint8Array, cache: AtomCache): DistHeader | undefined => {
  if (b[0] !== 131 || (b[1] !== 68 && b[1] !== 69)) return undefined;
  const countAt = b[1] === 68 ? 2 : 18;
  const count = b[countAt];
  if (count === undefined) return undefined;
  if (count === 0) return { refs: [], next: countAt + 1 };
  const flagsAt = countAt + 1;
  const longAtoms = (nibble(b, flagsAt, count) & 1) === 1;
  let at = flagsAt + (count >> 1) + 1;
  const refs: string[] = [];
  for (let i = 0; i < count; i++) {
    const ref = readRef(b, at, nibble(b, flagsAt, i), longAtoms, cache);
    if (ref === undefined) return undefined;
    refs.push(ref.atom);
    at = ref.next;
  }
  return { refs, next: at };
};
