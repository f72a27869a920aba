/** PostgreSQL detection from the first bytes of either direction (frontend/backend protocol v3). */
import type { Direction } from '../events.ts';
import type { Detection } from './protocol.ts';
import { indexOfNul, isPrintable, isPrintableOrNul, latin1, u32be } from './wire-bytes.ts';

// Request codes of the untyped startup-phase messages (PostgreSQL docs, "Message Formats").
export const pgSslRequest = 80877103;
export const pgGssEncRequest = 80877104;
export const pgCancelRequest = 80877102;
export const pgProtocol3 = 0x0003_0000;
const maxStartup = 10_000;

/** Validates the StartupMessage parameters: NUL-terminated name/value pairs, a final NUL, `user` present. */
export const pgStartupParams = (b: Uint8Array, end: number): Map<string, string> | undefined => {
  const params = new Map<string, string>();
  let at = 8;
  while (at < end - 1) {
    const keyEnd = indexOfNul(b, at, end);
    const valueEnd = keyEnd < 0 ? -1 : indexOfNul(b, keyEnd + 1, end);
    if (valueEnd < 0 || keyEnd === at || !isPrintable(b, at, keyEnd)) return undefined;
    params.set(
      latin1(b, at, keyEnd),
      Buffer.from(b.buffer, b.byteOffset + keyEnd + 1, valueEnd - keyEnd - 1).toString('utf8'),
    );
    at = valueEnd + 1;
  }
  return at === end - 1 && b[at] === 0 && params.has('user') ? params : undefined;
};

const startupPrefix = (b: Uint8Array): Detection => {
  // Every untyped startup-phase message is shorter than 64 KiB, so its length starts with two zero bytes.
  if (b.length > 0 && b[0] !== 0) return 'no-match';
  if (b.length > 1 && b[1] !== 0) return 'no-match';
  return 'need-more';
};

const detectStartup = (b: Uint8Array): Detection => {
  if (b.length < 8) return startupPrefix(b);
  const length = u32be(b, 0);
  const code = u32be(b, 4);
  if (code === pgSslRequest || code === pgGssEncRequest) return length === 8 ? 'match' : 'no-match';
  if (code === pgCancelRequest) return length === 16 ? 'match' : 'no-match';
  if (code !== pgProtocol3 || length < 9 || length > maxStartup) return 'no-match';
  if (b.length < length) return isPrintableOrNul(b, 8, b.length) ? 'need-more' : 'no-match';
  return pgStartupParams(b, length) ? 'match' : 'no-match';
};

/** A simple Query ('Q') picked up mid-stream: consistent length, printable SQL, NUL exactly at the end. */
const detectQuery = (b: Uint8Array): Detection => {
  if (b.length < 5) return 'need-more';
  const length = u32be(b, 1);
  if (length < 6 || length > 1_000_000) return 'no-match';
  const end = 1 + length;
  if (!isPrintable(b, 5, Math.min(end - 1, b.length), true)) return 'no-match';
  if (b.length < end) return 'need-more';
  return b[end - 1] === 0 ? 'match' : 'no-match';
};

const authLengths: Record<number, number> = { 0: 8, 2: 8, 3: 8, 5: 12, 7: 8, 9: 8 };

/** The first server message: an Authentication request ('R') or an ErrorResponse ('E'). */
const detectServer = (b: Uint8Array): Detection => {
  if (b[0] === 0x45) return detectError(b);
  if (b.length < 9) return b.subarray(1, 4).every((x) => x === 0) ? 'need-more' : 'no-match';
  const length = u32be(b, 1);
  const code = u32be(b, 5);
  if (authLengths[code] !== undefined) return authLengths[code] === length ? 'match' : 'no-match';
  if (code !== 10 || length < 10 || length > 1024) return 'no-match';
  // AuthenticationSASL: a list of mechanism names, each NUL-terminated, then a final NUL.
  const end = 1 + length;
  if (b.length < end) return 'need-more';
  return b[end - 1] === 0 && b[end - 2] === 0 && isPrintableOrNul(b, 9, end - 2) ? 'match' : 'no-match';
};

const errorFields = new Set('SVCMDHPpqWstcdnFLR'.split('').map((c) => c.charCodeAt(0)));

/** True when `b[5, end)` is a list of (field code, C string) ending with a NUL exactly at `end - 1`. */
const errorFieldsEndAt = (b: Uint8Array, end: number): boolean => {
  let at = 5;
  while (at < end - 1) {
    if (!errorFields.has(b[at] ?? 0)) return false;
    const nul = indexOfNul(b, at + 1, end);
    if (nul < 0) return false;
    at = nul + 1;
  }
  return at === end - 1 && b[at] === 0;
};

/** ErrorResponse: fields of a code byte and a C string, the first being the severity ('S'). */
const detectError = (b: Uint8Array): Detection => {
  if (b.length < 6) return b.length < 3 || (b[1] === 0 && b[2] === 0) ? 'need-more' : 'no-match';
  const length = u32be(b, 1);
  if (length < 6 || length > 8192 || b[5] !== 0x53) return 'no-match';
  if (b.length < 1 + length) return 'need-more';
  return errorFieldsEndAt(b, 1 + length) ? 'match' : 'no-match';
};

export const detectPostgresql = (b: Uint8Array, direction: Direction): Detection => {
  if (b.length === 0) return 'need-more';
  if (direction === 'to-client') return b[0] === 0x52 || b[0] === 0x45 ? detectServer(b) : 'no-match';
  if (b[0] === 0x51) return detectQuery(b);
  return detectStartup(b);
};
