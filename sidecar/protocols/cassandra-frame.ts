/** CQL native protocol v3-v5 frame header (native_protocol_v4.spec §2, v5 §3): version, flags, stream, opcode, length. */
import { isPrintable, u16be, u32be } from './wire-bytes.ts';

export const cqlHeaderSize = 9;
export const maxCqlBody = 256 * 1024 * 1024;

export const requestOpcodes: Record<number, string> = {
  1: 'STARTUP',
  5: 'OPTIONS',
  7: 'QUERY',
  9: 'PREPARE',
  10: 'EXECUTE',
  11: 'REGISTER',
  13: 'BATCH',
  15: 'AUTH_RESPONSE',
};
export const responseOpcodes: Record<number, string> = {
  0: 'ERROR',
  2: 'READY',
  3: 'AUTHENTICATE',
  6: 'SUPPORTED',
  8: 'RESULT',
  12: 'EVENT',
  14: 'AUTH_CHALLENGE',
  16: 'AUTH_SUCCESS',
};

export type CqlHeader = { version: number; response: boolean; flags: number; opcode: number; length: number };

/** The header at `b` when it is a v3-v5 request or response with defined flags and a known opcode. */
export const cqlHeader = (b: Uint8Array): CqlHeader | undefined => {
  const first = b[0] ?? 0;
  const version = first & 0x7f;
  const response = (first & 0x80) !== 0;
  const flags = b[1] ?? 0xff;
  const opcode = b[4] ?? 0xff;
  const length = u32be(b, 5);
  // Flags: compression 0x01, tracing 0x02, custom payload 0x04, warning 0x08, beta 0x10.
  if (version < 3 || version > 5 || (flags & 0xe0) !== 0 || length > maxCqlBody) return undefined;
  const names = response ? responseOpcodes : requestOpcodes;
  return names[opcode] === undefined ? undefined : { version, response, flags, opcode, length };
};

/** The [string] at `p` (u16 length + printable text): the offset after it, or -1. */
const stringEnd = (b: Uint8Array, p: number, end: number): number => {
  const n = u16be(b, p);
  return p + 2 + n <= end && isPrintable(b, p + 2, p + 2 + n) ? p + 2 + n : -1;
};

/** [string map] / [string multimap] (§3): n, then n entries of [string] key and a [string] or [string list]. */
export const stringMapEnd = (b: Uint8Array, at: number, end: number, multi: boolean): number => {
  const entries = u16be(b, at);
  let p = at + 2;
  for (let i = 0; i < entries && p >= 0; i++) {
    p = stringEnd(b, p, end);
    const values = multi && p >= 0 ? u16be(b, p) : 1;
    if (multi && p >= 0) p += 2;
    for (let v = 0; v < values && p >= 0; v++) p = stringEnd(b, p, end);
  }
  return p >= 0 && p <= end ? p : -1;
};
