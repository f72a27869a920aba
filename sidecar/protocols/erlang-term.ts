/**
 * Erlang's external term format (OTP's erts/doc erl_ext_dist), read only as deep as the distribution parser needs:
 * atoms in every encoding (ATOM_CACHE_REF through the message's distribution header), integers, tuples, lists,
 * strings and binaries (their text, cut at 1 KiB). Pids, ports, references, floats, bignums, maps and funs are
 * stepped over by their lengths. Every length is checked against the octets present and the walk is bounded in
 * depth and in terms, so hostile input gives undefined, never a throw or a long loop.
 */
import { latin1, u16be, u32be, utf8View } from './wire-bytes.ts';

export type Term =
  | { t: 'atom'; v: string }
  | { t: 'int'; v: number }
  | { t: 'tuple'; v: Term[] }
  | { t: 'list'; v: Term[] }
  | { t: 'text'; v: string }
  | { t: 'other' };

/** The atoms of the message's distribution header, by reference index (ATOM_CACHE_REF). */
export type TermContext = { refs: readonly string[]; budget: number };

/** Text kept of a string or binary, and elements kept of a list or tuple (the rest are walked, not kept). */
const maxText = 1024;
const maxKept = 64;
const maxDepth = 32;
const other: Term = { t: 'other' };

type Step = [term: Term, next: number] | undefined;

const within = (b: Uint8Array, end: number): boolean => end <= b.length;

const atomAt = (b: Uint8Array, at: number, lengthOctets: 1 | 2, utf8: boolean): Step => {
  const length = lengthOctets === 1 ? (b[at] ?? 0) : u16be(b, at);
  const start = at + lengthOctets;
  const end = start + length;
  if (!within(b, end) || length > 1020) return undefined;
  return [{ t: 'atom', v: utf8 ? utf8View(b, start, end) : latin1(b, start, end) }, end];
};

/**
 * Octets of a scalar stepped over without a term's cost once the elements kept are full: SMALL_INTEGER_EXT (97),
 * INTEGER_EXT (98), NIL (106). A long list of them (a string of over 65 535 characters is one: one integer a
 * character) would otherwise spend the term budget and hide what follows it; the walk stays bounded by the octets.
 */
const scalarOctets = (tag: number | undefined): number =>
  tag === 97 ? 2 : tag === 98 ? 5 : tag === 106 ? 1 : 0;

/** Elements one after another: `count` terms from `at`, the first `maxKept` kept. */
const sequence = (b: Uint8Array, at: number, count: number, c: TermContext, depth: number) => {
  const kept: Term[] = [];
  let next = at;
  for (let i = 0; i < count; i++) {
    const scalar = kept.length >= maxKept ? scalarOctets(b[next]) : 0;
    if (scalar > 0) {
      next += scalar;
      if (next > b.length) return undefined;
      continue;
    }
    const step = readTermAt(b, next, c, depth + 1);
    if (step === undefined) return undefined;
    if (kept.length < maxKept) kept.push(step[0]);
    next = step[1];
  }
  return { kept, next };
};

/** A pid, port or reference: its node (an atom) then `fixed` octets, or a 2-octet word count's worth. */
const skipNodeThen = (b: Uint8Array, at: number, c: TermContext, depth: number, fixed: number): Step => {
  const node = readTermAt(b, at, c, depth + 1);
  if (node === undefined || node[0].t !== 'atom') return undefined;
  return within(b, node[1] + fixed) ? [other, node[1] + fixed] : undefined;
};

const compound = (b: Uint8Array, tag: number, at: number, c: TermContext, depth: number): Step => {
  const count = tag === 104 ? (b[at] ?? 0) : u32be(b, at);
  const start = at + (tag === 104 ? 1 : 4);
  if (!within(b, start) || count > b.length) return undefined;
  if (tag === 116) {
    const pairs = sequence(b, start, count * 2, c, depth);
    return pairs === undefined ? undefined : [other, pairs.next];
  }
  const items = sequence(b, start, count, c, depth);
  if (items === undefined) return undefined;
  if (tag !== 108) return [{ t: 'tuple', v: items.kept }, items.next];
  const tail = readTermAt(b, items.next, c, depth + 1);
  return tail === undefined ? undefined : [{ t: 'list', v: items.kept }, tail[1]];
};

const blob = (b: Uint8Array, tag: number, at: number): Step => {
  const lengthOctets = tag === 107 ? 2 : 4;
  const length = tag === 107 ? u16be(b, at) : u32be(b, at);
  const start = at + lengthOctets + (tag === 77 ? 1 : 0);
  const end = start + length;
  if (!within(b, end)) return undefined;
  const cut = Math.min(end, start + maxText);
  return [{ t: 'text', v: tag === 107 ? latin1(b, start, cut) : utf8View(b, start, cut) }, end];
};

type Reader = (b: Uint8Array, tag: number, at: number, c: TermContext, depth: number) => Step;

/** NEW_PID 88, PID 103, NEW_PORT 89, PORT 102, REFERENCE 101, V4_PORT 120: octets after the node. */
const identifierOctets: Readonly<Record<number, number>> = { 88: 12, 103: 9, 89: 8, 102: 5, 101: 5, 120: 12 };

/** Pids, ports and references: their node atom, then fixed octets, or (references) a count of 4-octet words. */
const identifier: Reader = (b, tag, at, c, depth) => {
  const fixed = identifierOctets[tag];
  if (fixed !== undefined) return skipNodeThen(b, at, c, depth, fixed);
  const words = u16be(b, at);
  if (words > 5) return undefined;
  return skipNodeThen(b, at + 2, c, depth, (tag === 90 ? 4 : 1) + 4 * words);
};

const cacheRef: Reader = (b, _tag, at, c) => {
  const atom = c.refs[b[at] ?? 0xffff];
  return atom === undefined || at >= b.length ? undefined : [{ t: 'atom', v: atom }, at + 1];
};

const integer: Reader = (b, tag, at) => {
  if (tag === 97) return at < b.length ? [{ t: 'int', v: b[at] as number }, at + 1] : undefined;
  return within(b, at + 4) ? [{ t: 'int', v: u32be(b, at) | 0 }, at + 4] : undefined;
};

/** NEW_FLOAT_EXT (8 octets) and FLOAT_EXT (31). */
const float: Reader = (b, tag, at) => {
  const end = at + (tag === 70 ? 8 : 31);
  return within(b, end) ? [other, end] : undefined;
};

const bignum: Reader = (b, tag, at) => {
  const n = tag === 110 ? (b[at] ?? 0) : u32be(b, at);
  const end = at + (tag === 110 ? 1 : 4) + 1 + n;
  return within(b, end) ? [other, end] : undefined;
};

/** NEW_FUN_EXT: its size counts its own 4 octets. */
const fun: Reader = (b, _tag, at) => {
  const size = u32be(b, at);
  return size >= 4 && within(b, at + size) ? [other, at + size] : undefined;
};

/** EXPORT_EXT: a module, a function and an arity, three terms. */
const exported: Reader = (b, _tag, at, c, depth) => {
  const module = readTermAt(b, at, c, depth + 1);
  const fn = module && readTermAt(b, module[1], c, depth + 1);
  const arity = fn && readTermAt(b, fn[1], c, depth + 1);
  return arity === undefined ? undefined : [other, arity[1]];
};

const atom: Reader = (b, tag, at) =>
  atomAt(b, at, tag === 119 || tag === 115 ? 1 : 2, tag === 119 || tag === 118);

const readers: Readonly<Record<number, Reader>> = {
  82: cacheRef,
  97: integer,
  98: integer,
  70: float,
  99: float,
  100: atom,
  115: atom,
  118: atom,
  119: atom,
  104: compound,
  105: compound,
  108: compound,
  116: compound,
  106: (_b, _tag, at) => [{ t: 'list', v: [] }, at],
  107: blob,
  109: blob,
  77: blob,
  88: identifier,
  103: identifier,
  89: identifier,
  102: identifier,
  101: identifier,
  120: identifier,
  90: identifier,
  114: identifier,
  110: bignum,
  111: bignum,
  112: fun,
  113: exported,
};

/** One term at `at` (its tag first): the term and the offset after it, or undefined when it cannot be read. */
export const readTermAt = (b: Uint8Array, at: number, c: TermContext, depth = 0): Step => {
  c.budget -= 1;
  if (c.budget < 0 || depth > maxDepth || at >= b.length) return undefined;
  const tag = b[at] as number;
  return readers[tag]?.(b, tag, at + 1, c, depth);
};

/**
 * Terms walked per message at most: a message of nested tuples and atoms stops here. Small integers and nils past
 * a list's kept elements are stepped over without it (`scalarOctets`).
 */
export const termBudget = 20_000;

/** An atom's text, or undefined. */
export const atomOf = (term: Term | undefined): string | undefined =>
  term?.t === 'atom' ? term.v : undefined;

/** A term as the text a call's argument carries: a string, binary, atom or integer, or a list of character codes. */
export const textOf = (term: Term | undefined): string | undefined => {
  if (term === undefined) return undefined;
  if (term.t === 'text' || term.t === 'atom') return term.v;
  if (term.t === 'int') return String(term.v);
  if (term.t !== 'list') return undefined;
  const codes = term.v.map((item) => (item.t === 'int' && item.v >= 0 && item.v <= 0x10ffff ? item.v : -1));
  return codes.every((code) => code >= 0) ? String.fromCodePoint(...codes) : undefined;
};
