/** Small bounds-checked byte helpers shared by the binary protocol decoders (they never throw). */

/** Bytes of text kept in an event field, except SQL text. */
export const maxTextBytes = 1024;
/** Bytes of SQL text kept: the statement verdict reads them all (a padded literal hides nothing before 64 KiB). */
export const maxSqlBytes = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: false });
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
/**
 * Node's decoder behind `Buffer#toString('latin1')`, called on the view itself: no Buffer object per string, which
 * costs more than decoding the few octets of a header name or command word.
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice;

/** `bytes[start, end)` as Latin-1 text (one character per octet), clamped to the bytes present. */
export const latin1 = (bytes: Uint8Array, start = 0, end = bytes.length): string => {
  const stop = Math.min(end, bytes.length);
  if (stop <= start) return '';
  if (latin1Slice !== undefined) return latin1Slice.call(bytes, start, stop);
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, stop - start).toString('latin1');
};

/** `bytes[start, start + length)` (clamped to the bytes present) decoded as UTF-16LE (TDS's UCS-2 strings). */
export const utf16le = (bytes: Uint8Array, start: number, length: number): string => {
  const count = Math.min(length, bytes.length - start);
  if (start < 0 || count <= 0) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, count).toString('utf16le');
};

/** Decodes `bytes[start, end)` as UTF-8, keeping at most `max` bytes. */
export const text = (bytes: Uint8Array, start: number, end: number, max = maxTextBytes): string =>
  utf8.decode(bytes.subarray(start, Math.min(end, start + max, bytes.length)));

/** `bytes[start, end)` (clamped) decoded as UTF-8 by Buffer's decoder, without copying the octets first. */
export const utf8View = (bytes: Uint8Array, start: number, end: number): string => {
  const stop = Math.min(end, bytes.length);
  if (stop <= start) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, stop - start).toString('utf8');
};

/** True when every byte of `bytes[start, end)` is printable ASCII (tab, CR and LF allowed when `lines`). */
export const isPrintable = (bytes: Uint8Array, start: number, end: number, lines = false): boolean => {
  if (end > bytes.length || start > end) return false;
  for (let i = start; i < end; i++) {
    const b = bytes[i] ?? 0;
    const ok = (b >= 0x20 && b < 0x7f) || (lines && (b === 0x09 || b === 0x0a || b === 0x0d));
    if (!ok) return false;
  }
  return true;
};

/** True when every byte of `bytes[start, end)` is printable ASCII or NUL (lists of C strings). */
export const isPrintableOrNul = (bytes: Uint8Array, start: number, end: number): boolean => {
  if (end > bytes.length || start > end) return false;
  for (let i = start; i < end; i++) {
    const b = bytes[i] ?? 0;
    if (b !== 0 && (b < 0x20 || b >= 0x7f)) return false;
  }
  return true;
};

/** Index of the first NUL at or after `start` (before `end`), or -1. */
export const indexOfNul = (bytes: Uint8Array, start: number, end = bytes.length): number => {
  const limit = Math.min(end, bytes.length);
  for (let i = start; i < limit; i++) if (bytes[i] === 0) return i;
  return -1;
};

/** A NUL-terminated string at `start`: its text and the offset after the NUL, or undefined when unterminated. */
export const cString = (
  bytes: Uint8Array,
  start: number,
  end = bytes.length,
  max = maxTextBytes,
): { value: string; next: number } | undefined => {
  const nul = indexOfNul(bytes, start, end);
  return nul < 0 ? undefined : { value: text(bytes, start, nul, max), next: nul + 1 };
};

/** True when `bytes` starts with the ASCII string `prefix` (compares only the bytes present when `partial`). */
export const startsWithAscii = (bytes: Uint8Array, prefix: string, partial = false): boolean => {
  const n = partial ? Math.min(bytes.length, prefix.length) : prefix.length;
  if (bytes.length < n) return false;
  for (let i = 0; i < n; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
};

export const u16be = (b: Uint8Array, o: number): number => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
export const u32be = (b: Uint8Array, o: number): number => u16be(b, o) * 0x10000 + u16be(b, o + 2);
export const i32be = (b: Uint8Array, o: number): number => u32be(b, o) | 0;
export const u16le = (b: Uint8Array, o: number): number => (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
export const u24le = (b: Uint8Array, o: number): number => u16le(b, o) | ((b[o + 2] ?? 0) << 16);
export const u32le = (b: Uint8Array, o: number): number => u16le(b, o) + u16le(b, o + 2) * 0x10000;
export const i32le = (b: Uint8Array, o: number): number => u32le(b, o) | 0;

/** The parts one after another in a new array of `size` octets (their total); a single part is returned as it is. */
export const joinParts = (parts: readonly Uint8Array[], size: number): Uint8Array => {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

/**
 * A little-endian base-128 varint (protobuf's, SignalR's length prefix) at `at`, at most `maxOctets` long: its value
 * (exact up to 2^53) and the offset after it; undefined when it is cut or runs past `maxOctets`.
 */
export const leb128 = (
  bytes: Uint8Array,
  at: number,
  maxOctets: number,
): [value: number, next: number] | undefined => {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + maxOctets; i++) {
    const b = bytes[i] ?? 0;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, i + 1];
    scale *= 128;
  }
  return undefined;
};

/** Text a person or program would send: valid UTF-8 with no control characters other than tab, CR and LF. */
export const utf8Text = (bytes: Uint8Array): string | undefined => {
  for (const b of bytes)
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
};
