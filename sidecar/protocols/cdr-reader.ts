/**
 * A bounds-checked reader of CORBA's Common Data Representation (CORBA 3.0, §15.3): primitives aligned on their own
 * size relative to `base` (the start of the GIOP message, or of an encapsulation), in the stream's byte order. A read
 * past the end answers undefined and leaves the reader spent, so every later read fails too; nothing throws.
 */
import { latin1, u16be, u16le, u32be, u32le } from './wire-bytes.ts';

export type CdrReader = { bytes: Uint8Array; at: number; base: number; little: boolean };

export const cdrReader = (bytes: Uint8Array, at: number, little: boolean, base = 0): CdrReader => ({
  bytes,
  at,
  base,
  little,
});

/** Moves to the next multiple of `n` from `base`, or to the end (a message with no body has no padding for it). */
export const align = (r: CdrReader, n: number): void => {
  const over = (r.at - r.base) % n;
  if (over !== 0 && r.at <= r.bytes.length) r.at = Math.min(r.at + n - over, r.bytes.length);
};

const take = (r: CdrReader, n: number): number | undefined => {
  align(r, n);
  const at = r.at;
  if (at + n > r.bytes.length) {
    r.at = r.bytes.length + 1;
    return undefined;
  }
  r.at = at + n;
  return at;
};

export const octet = (r: CdrReader): number | undefined => {
  const at = take(r, 1);
  return at === undefined ? undefined : r.bytes[at];
};

export const ushort = (r: CdrReader): number | undefined => {
  const at = take(r, 2);
  if (at === undefined) return undefined;
  return r.little ? u16le(r.bytes, at) : u16be(r.bytes, at);
};

export const ulong = (r: CdrReader): number | undefined => {
  const at = take(r, 4);
  if (at === undefined) return undefined;
  return r.little ? u32le(r.bytes, at) : u32be(r.bytes, at);
};

/** A `sequence<octet>` (a ulong count, then the octets): a view of them, undefined when they run past the end. */
export const octets = (r: CdrReader): Uint8Array | undefined => {
  const count = ulong(r);
  if (count === undefined || r.at + count > r.bytes.length) {
    r.at = r.bytes.length + 1;
    return undefined;
  }
  const start = r.at;
  r.at += count;
  return r.bytes.subarray(start, r.at);
};

/**
 * A `string`: a ulong length counting its NUL, then the characters and the NUL. Its first `max` characters, as
 * Latin-1; undefined when the length is 0 or runs past the end.
 */
export const cdrString = (r: CdrReader, max = 256): string | undefined => {
  const chars = octets(r);
  if (chars === undefined || chars.length === 0) return undefined;
  return latin1(chars, 0, Math.min(chars.length - 1, max));
};

/** True when the reader has not run past its end. */
export const readable = (r: CdrReader): boolean => r.at <= r.bytes.length;
