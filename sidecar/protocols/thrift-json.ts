/**
 * Thrift's JSON protocol (TJSONProtocol in Apache Thrift's libraries): a message is one JSON array,
 * `[1,"name",type,seqid,{struct}]`, version 1 first, the struct's fields keyed by their ids with their values typed
 * (`{"1":{"i32":2},"2":{"str":"x"}}`). Found by its opening, `[1,"` an identifier `",` a type `,` a seqid `,{`;
 * its end is the array's closing bracket, strings and escapes skipped; it is read with JSON.parse.
 */
import type { Direction } from '../events.ts';
import { isJsonObject } from './json-object.ts';
import type { Detection } from './protocol.ts';
import { isNameOctet, type MessageType, type messageTypes } from './thrift-message.ts';
import { malformed, needMore } from './thrift-struct.ts';

export const jsonOpen = 0x5b;
const quote = 0x22;
const comma = 0x2c;
const maxName = 256;

/** The offset after a name's closing quote at `at` (its first octet), or needMore/malformed. */
const afterName = (b: Uint8Array, at: number): number => {
  for (let i = at; i < at + maxName + 1; i += 1) {
    const x = b[i];
    if (x === undefined) return needMore;
    if (x === quote) return i > at ? i + 1 : malformed;
    if (!isNameOctet(x)) return malformed;
  }
  return malformed;
};

/** The offset after an integer of at most `digits` digits (a leading `-` when `signed`) and its comma. */
const afterInteger = (b: Uint8Array, at: number, digits: number, signed: boolean): number => {
  let i = at + (signed && b[at] === 0x2d ? 1 : 0);
  const start = i;
  for (; i < start + digits + 1; i += 1) {
    const x = b[i];
    if (x === undefined) return needMore;
    if (x === comma) return i > start ? i + 1 : malformed;
    if (x < 0x30 || x > 0x39) return malformed;
  }
  return malformed;
};

const expected = (direction: Direction, type: number): boolean =>
  direction === 'to-server' ? type === 1 || type === 4 : type === 2 || type === 3;

const opening = [jsonOpen, 0x31, comma, quote];

/** The octets at `at` against `[1,"`: true when they agree as far as they go. */
const openingSoFar = (b: Uint8Array, at: number): boolean => {
  for (let i = 0; i < opening.length && at + i < b.length; i += 1) if (b[at + i] !== opening[i]) return false;
  return true;
};

/** After the name: `,` the type `,` the seqid `,` then the struct's brace. */
const afterNameDetection = (b: Uint8Array, name: number, direction: Direction): Detection => {
  const [separator, type, next] = [b[name], b[name + 1], b[name + 2]];
  if (separator === undefined || type === undefined || next === undefined) return 'need-more';
  if (separator !== comma || next !== comma || !expected(direction, type - 0x30)) return 'no-match';
  const seqid = afterInteger(b, name + 3, 11, true);
  if (seqid < 0) return seqid === needMore ? 'need-more' : 'no-match';
  const brace = b[seqid];
  return brace === undefined ? 'need-more' : brace === 0x7b ? 'match' : 'no-match';
};

/** A TJSON message's opening at `at`, as far as the octets go: match once its struct opens. */
export const detectJson = (b: Uint8Array, at: number, direction: Direction): Detection => {
  if (!openingSoFar(b, at)) return 'no-match';
  if (b.length < at + opening.length) return 'need-more';
  const name = afterName(b, at + opening.length);
  if (name < 0) return name === needMore ? 'need-more' : 'no-match';
  return afterNameDetection(b, name, direction);
};

/** How an octet moves the depth outside strings: +1 opening, -1 closing, 0 otherwise. */
const depthStep = (x: number | undefined): number =>
  x === jsonOpen || x === 0x7b ? 1 : x === 0x5d || x === 0x7d ? -1 : 0;

/** The offset after the JSON array opening at `at` (strings and escapes skipped), or needMore/malformed. */
export const jsonEnd = (b: Uint8Array, at: number, limit: number): number => {
  let depth = 0;
  let inString = false;
  const end = Math.min(b.length, at + limit);
  for (let i = at; i < end; i += 1) {
    const x = b[i];
    if (inString) {
      if (x === 0x5c) i += 1;
      else if (x === quote) inString = false;
      continue;
    }
    if (x === quote) inString = true;
    depth += depthStep(x);
    if (depth === 0) return i + 1;
  }
  return b.length - at >= limit ? malformed : needMore;
};

export type JsonMessage = { name: string; type: MessageType; seqid: number; struct: Record<string, unknown> };

/** The message in `text`, or undefined when it is not a TJSON message. */
export const readJson = (text: string): JsonMessage | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 5) return undefined;
  const [version, name, type, seqid, struct] = value as unknown[];
  if (version !== 1 || typeof name !== 'string' || typeof seqid !== 'number' || !isJsonObject(struct))
    return undefined;
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4) return undefined;
  return { name, type: type as keyof typeof messageTypes, seqid, struct };
};

/** The first string a value holds, depth first (an exception's message). */
const firstString = (value: unknown, depth = 0): string | undefined => {
  if (!isJsonObject(value) || depth > 8) return undefined;
  if (typeof value.str === 'string') return value.str;
  for (const inner of Object.values(value)) {
    const found = firstString(inner, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
};

/** A reply's outcome: undefined for success (field 0, or nothing), else the declared exception's field and text. */
export const jsonReplyOutcome = (struct: Record<string, unknown>): string | undefined => {
  const [id] = Object.keys(struct);
  if (id === undefined || id === '0') return undefined;
  const text = firstString(struct[id]);
  return `exception field ${id}${text === undefined ? '' : `: ${text.slice(0, 256)}`}`;
};

/** A TApplicationException's struct: field 1 its message, field 2 its type code. */
export const jsonApplicationError = (struct: Record<string, unknown>, names: readonly string[]): string => {
  const message = firstString(struct['1']);
  const typed = struct['2'];
  const code = isJsonObject(typed) && typeof typed.i32 === 'number' ? typed.i32 : undefined;
  const name = code === undefined ? 'UNKNOWN' : (names[code] ?? String(code));
  return message === undefined ? name : `${name}: ${message.slice(0, 256)}`;
};
