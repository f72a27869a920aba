/** Assembles RESP tokens into top-level values (bounded depth, items bounded in octets), one direction at a time. */

import { wholeArgumentCommands } from './redis-commands.ts';
import {
  lineEnd,
  type RespToken,
  respAggregate,
  respBulk,
  respInteger,
  respKinds,
  respMaxBulk,
} from './redis-resp.ts';
import { maxTextBytes, text } from './wire-bytes.ts';

export type RespValue = {
  /** The RESP type marker of the value: '*', '%', '>', '+', '-', '$', ... or 'inline'. */
  marker: string;
  /** For a string-like value: its text (bounded; '' when the assembler does not decode it). */
  text: string;
  /**
   * For a top-level array: its string elements, in order, each cut at `maxTextBytes` (kept whole for the commands of
   * `wholeArgumentCommands`), as many as `maxItemBytes` holds (none when texts are 'status').
   */
  items: string[];
};

type Frame = { remaining: number; attribute: boolean };

const maxDepth = 32;
/**
 * What a top-level array's elements may hold, in octets: each element's characters and `itemCost` more (what holding
 * one costs besides). They are held across calls until the array ends, so the bound is on octets, not a count: a
 * command of 64 KiB of small arguments keeps them all (ADR 35). Past it, the elements are dropped, not cut; an
 * argument kept whole (ADR 36) is cut to what is left, so a script as long as the command still has its first 64 KiB.
 */
export const maxItemBytes = 64 * 1024;
const itemCost = 16;

export type RespAssembler = {
  /** Adds one token; returns a finished top-level value, undefined while one is open, or 'malformed'. */
  add(token: RespToken): RespValue | undefined | 'malformed';
  /** Opens an aggregate of `count` elements (as `add` of an aggregate token, without the token object). */
  open(marker: string, count: number): RespValue | undefined | 'malformed';
  /** Adds a string-like token whose text nobody reads: only its place in the value counts. */
  skip(marker: string): RespValue | undefined;
  /**
   * With texts 'status', inside an aggregate: takes the whole, well-formed tokens of `m` from `at` as `open` and
   * `skip` would, one after the other, without a call or an object per token (a reply of thousands of elements is
   * read for its end only). Stops at the top level, after the token that finishes a value (then in `finished`), or
   * before a token it leaves to `add`, `open` and `skip` (not whole in `m`, not well formed). Returns where it stopped.
   */
  skipNested(m: Uint8Array, at: number): number;
  /** The value the last `skipNested` finished, if any. */
  readonly finished: RespValue | undefined;
  /** True when the next token is at the top level (not inside an aggregate). */
  readonly atTop: boolean;
};

/**
 * Which strings the assembler decodes: all of them, or only a top-level error's or simple string's text (a status
 * reply: `-ERR ...`, `+OK`, `+QUEUED`; all a reply reader needs).
 */
export type RespTexts = 'all' | 'status';

const isStatus = (marker: string): boolean => marker === '-' || marker === '!' || marker === '+';

/**
 * An inline command: its line's first `maxTextBytes`, or the whole line (framed at 64 KiB) when it names one of
 * `wholeArgumentCommands`. Its words are all kept.
 */
const inline = (bytes: Uint8Array): RespValue => {
  const head = text(bytes, 0, bytes.length, maxTextBytes);
  const name = /^\s*(\S+)/.exec(head)?.[1] ?? '';
  const line =
    bytes.length > maxTextBytes && wholeArgumentCommands.has(name.toUpperCase())
      ? text(bytes, 0, bytes.length, bytes.length)
      : head;
  return { marker: 'inline', text: line, items: line.trim().split(/\s+/) };
};

export const createRespAssembler = (texts: RespTexts = 'all'): RespAssembler => {
  const stack: Frame[] = [];
  let top: RespValue | undefined;
  /** Octets `top.items` holds (`maxItemBytes` once one did not fit: the later ones are dropped too). */
  let held = 0;
  /** The open command's arguments are kept whole (its name is one of `wholeArgumentCommands`). */
  let whole = false;
  const keep = (value: string): void => {
    const room = maxItemBytes - held - itemCost;
    if (!top || (value.length > room && !(whole && room > 0))) {
      held = maxItemBytes;
      return;
    }
    if (top.items.length === 0) whole = wholeArgumentCommands.has(value.toUpperCase());
    const kept = value.length > room ? value.slice(0, room) : value;
    top.items.push(kept);
    held += kept.length + itemCost;
  };
  /** How many octets of the next element to decode: a command's arguments whole when it is one of those. */
  const elementBytes = (): number =>
    whole && top !== undefined && top.items.length > 0 ? maxItemBytes : maxTextBytes;
  const finishOne = (): RespValue | undefined => {
    for (;;) {
      const frame = stack[stack.length - 1];
      if (!frame) return top;
      frame.remaining -= 1;
      if (frame.remaining > 0) return undefined;
      stack.pop();
      // An attribute annotates the value that follows it: it is not a value of its own.
      if (frame.attribute) return undefined;
    }
  };
  const open = (marker: string, count: number): RespValue | undefined | 'malformed' => {
    if (Number.isNaN(count) || stack.length >= maxDepth) return 'malformed';
    if (stack.length === 0 && marker !== '|') {
      top = { marker, text: '', items: [] };
      held = 0;
      whole = false;
    }
    const n = marker === '%' || marker === '|' ? count * 2 : count;
    if (n <= 0) return marker === '|' ? undefined : finishOne();
    stack.push({ remaining: n, attribute: marker === '|' });
    return undefined;
  };
  let finished: RespValue | undefined;
  /** Where the well-formed token at `at` ends (past `m` when not whole), or -1 when `skipNested` leaves it. */
  const tokenEnd = (m: Uint8Array, at: number, kind: number, lf: number): number => {
    if (kind !== respBulk) return lf + 1;
    if (m[lf - 1] !== 0x0d) return -1;
    const length = respInteger(m, at + 1, lf - 1);
    if (!(length >= -1 && length <= respMaxBulk)) return -1;
    return length < 0 ? lf + 1 : lf + 1 + length + 2;
  };
  /** Takes the whole, well-formed token at `at` as `skipNested` does: where it ends, or -1 when it leaves it. */
  const skipOne = (m: Uint8Array, at: number): number => {
    const marker = m[at] ?? 0;
    const kind = respKinds[marker] ?? 0;
    const lf = kind === 0 ? -1 : lineEnd(m, at);
    const end = lf < 0 ? -1 : tokenEnd(m, at, kind, lf);
    if (end < 0 || end > m.length) return -1;
    if (kind !== respAggregate) {
      finished = finishOne();
      return end;
    }
    const count = respInteger(m, at + 1, lf - 1);
    if (Number.isNaN(count) || stack.length >= maxDepth) return -1;
    finished = open(String.fromCharCode(marker), count) as RespValue | undefined;
    return end;
  };
  const skipNested = (m: Uint8Array, from: number): number => {
    finished = undefined;
    let at = from;
    while (stack.length > 0 && at < m.length && finished === undefined) {
      const end = skipOne(m, at);
      if (end < 0) break;
      at = end;
    }
    return at;
  };
  return {
    open,
    skipNested,
    get finished() {
      return finished;
    },
    skip(marker) {
      if (stack.length === 0) top = { marker, text: '', items: [] };
      return finishOne();
    },
    get atTop() {
      return stack.length === 0;
    },
    add(token) {
      if (token.type === 'aggregate') return open(token.marker, token.count);
      if (token.type === 'inline') return inline(token.value);
      // Decoding every reply value to text cost more than the rest of the parser: skip what is never read.
      const wanted = texts === 'all' || (stack.length === 0 && isStatus(token.marker));
      const max = stack.length === 1 ? elementBytes() : maxTextBytes;
      const value = wanted ? text(token.value, 0, token.value.length, max) : '';
      if (stack.length === 0) top = { marker: token.marker, text: value, items: [] };
      else if (wanted && stack.length === 1) keep(value);
      return finishOne();
    },
  };
};
