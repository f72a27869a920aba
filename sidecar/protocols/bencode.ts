/**
 * A strict, bounded bencode reader (BEP 3, "bencoding"): byte strings, integers, lists and dictionaries, as
 * BitTorrent's torrent files, extended handshakes, DHT and tracker messages carry them. Strict where the
 * specification is: integers without leading zeros or `-0`, string lengths without leading zeros, dictionary keys
 * as strings in strictly ascending raw order (so one value has one encoding, and junk is refused early). Bounded:
 * nesting depth, item count and integer digits are limited, every length is checked against the bytes present, and
 * hostile input gives `malformed` or `truncated`, never an exception.
 */

/** A dictionary: its entries by key (Latin-1, one character per octet) and where its encoding starts and ends. */
export type BDict = { entries: Map<string, BValue>; start: number; end: number };
/** A byte string is a view of the input (no copy); integers are exact up to 2^53. */
export type BValue = number | Uint8Array | BValue[] | BDict;

export type BencodeLimits = { maxDepth: number; maxItems: number };
export const defaultLimits: BencodeLimits = { maxDepth: 32, maxItems: 4096 };

export type BencodeResult =
  | { ok: true; value: BValue; end: number }
  | { ok: false; reason: 'truncated' | 'malformed' | 'too-deep' | 'too-many' };

type Failure = Extract<BencodeResult, { ok: false }>;
const truncated: Failure = { ok: false, reason: 'truncated' };
const malformed: Failure = { ok: false, reason: 'malformed' };
const tooDeep: Failure = { ok: false, reason: 'too-deep' };
const tooMany: Failure = { ok: false, reason: 'too-many' };

/** 2^53 has 16 digits: more cannot be exact. */
const maxDigits = 15;
const colon = 0x3a;
const e = 0x65;

type Reader = { bytes: Uint8Array; end: number; items: number; limits: BencodeLimits };

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/** Digits from `at` up to the octet `stop`: their value and the offset of `stop`, or a failure. */
const digits = (r: Reader, at: number, stop: number): [number, number] | Failure => {
  let i = at;
  let value = 0;
  while (i < r.end && isDigit(r.bytes[i])) {
    if (i - at >= maxDigits) return malformed;
    value = value * 10 + ((r.bytes[i] as number) - 0x30);
    i++;
  }
  if (i >= r.end) return truncated;
  if (i === at || r.bytes[i] !== stop) return malformed;
  // One encoding per value: no leading zero (but "0" itself).
  if (i - at > 1 && r.bytes[at] === 0x30) return malformed;
  return [value, i];
};

const readInteger = (r: Reader, at: number): BencodeResult => {
  const negative = r.bytes[at + 1] === 0x2d;
  const found = digits(r, at + (negative ? 2 : 1), e);
  if (!Array.isArray(found)) return found;
  const [value, stop] = found;
  if (negative && value === 0) return malformed;
  return { ok: true, value: negative ? -value : value, end: stop + 1 };
};

const readString = (r: Reader, at: number): BencodeResult => {
  const found = digits(r, at, colon);
  if (!Array.isArray(found)) return found;
  const [length, stop] = found;
  const start = stop + 1;
  if (length > r.end - start) return truncated;
  return { ok: true, value: r.bytes.subarray(start, start + length), end: start + length };
};

/** Raw octet order of two keys (`a` < `b`), as BEP 3 sorts them. */
const before = (a: Uint8Array, b: Uint8Array): boolean => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return a.length < b.length;
};

const latin1Key = (key: Uint8Array): string => {
  let out = '';
  for (const b of key) out += String.fromCharCode(b);
  return out;
};

const readList = (r: Reader, at: number, depth: number): BencodeResult => {
  const list: BValue[] = [];
  let i = at + 1;
  while (i < r.end && r.bytes[i] !== e) {
    const item = readValue(r, i, depth + 1);
    if (!item.ok) return item;
    list.push(item.value);
    i = item.end;
  }
  return i >= r.end ? truncated : { ok: true, value: list, end: i + 1 };
};

const readDict = (r: Reader, at: number, depth: number): BencodeResult => {
  const entries = new Map<string, BValue>();
  let previous: Uint8Array | undefined;
  let i = at + 1;
  while (i < r.end && r.bytes[i] !== e) {
    if (!isDigit(r.bytes[i])) return malformed;
    const key = readString(r, i);
    if (!key.ok) return key;
    const name = key.value as Uint8Array;
    if (previous !== undefined && !before(previous, name)) return malformed;
    previous = name;
    if (key.end >= r.end) return truncated;
    const value = readValue(r, key.end, depth + 1);
    if (!value.ok) return value;
    entries.set(latin1Key(name), value.value);
    i = value.end;
  }
  return i >= r.end ? truncated : { ok: true, value: { entries, start: at, end: i + 1 }, end: i + 1 };
};

function readValue(r: Reader, at: number, depth: number): BencodeResult {
  if (at >= r.end) return truncated;
  if (depth > r.limits.maxDepth) return tooDeep;
  if (++r.items > r.limits.maxItems) return tooMany;
  const b = r.bytes[at];
  if (b === 0x69) return readInteger(r, at);
  if (b === 0x6c) return readList(r, at, depth);
  if (b === 0x64) return readDict(r, at, depth);
  return isDigit(b) ? readString(r, at) : malformed;
}

/** One bencoded value starting at `at` (within `bytes[at, end)`): the value and the offset after it. */
export const readBencode = (
  bytes: Uint8Array,
  at = 0,
  end = bytes.length,
  limits: BencodeLimits = defaultLimits,
): BencodeResult => readValue({ bytes, end: Math.min(end, bytes.length), items: 0, limits }, at, 0);

/** Type guards and lookups for reading decoded values. */
export const isDict = (v: BValue | undefined): v is BDict =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
export const isBytes = (v: BValue | undefined): v is Uint8Array => v instanceof Uint8Array;

export const bytesAt = (dict: BDict, key: string): Uint8Array | undefined => {
  const v = dict.entries.get(key);
  return isBytes(v) ? v : undefined;
};
export const dictAt = (dict: BDict, key: string): BDict | undefined => {
  const v = dict.entries.get(key);
  return isDict(v) ? v : undefined;
};
export const intAt = (dict: BDict, key: string): number | undefined => {
  const v = dict.entries.get(key);
  return typeof v === 'number' ? v : undefined;
};

/** A byte string as text when it is short printable ASCII (a name, a version), else undefined. */
export const asciiOf = (v: Uint8Array | undefined, max = 128): string | undefined => {
  if (v === undefined || v.length === 0 || v.length > max) return undefined;
  for (const b of v) if (b < 0x20 || b > 0x7e) return undefined;
  return latin1Key(v);
};
