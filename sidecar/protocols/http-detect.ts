/** HTTP/1.x detection: a request line (RFC 9112 §3) or a status line (§4), checked byte by byte. */
import type { Detection } from './protocol.ts';

/** RFC 9110 §9 methods, WebDAV (RFC 4918, 3253, 5323, 4791) methods; PRI is left to the HTTP/2 detector. */
export const httpMethods: readonly string[] = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'REPORT',
  'SEARCH',
  'MKCALENDAR',
];

const methodBytes = httpMethods.map((m) => Uint8Array.from(Buffer.from(`${m} `, 'latin1')));
const version = Uint8Array.from(Buffer.from(' HTTP/1.', 'latin1'));
const statusPrefix = Uint8Array.from(Buffer.from('HTTP/1.', 'latin1'));
/**
 * A method, a space and this many target octets with no end in sight is a request whose line is still coming: long
 * queries are an attacker's padding (ADR 30), and waiting for the line's end would outlast the bytes kept for
 * detection (4 KiB), losing the request.
 */
const longTarget = 1024;

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
/** §3.2 request-target: visible ASCII, and obs-text octets some clients send unescaped. */
const isTargetByte = (b: number): boolean => b > 0x20 && b !== 0x7f;

/** Compares `bytes[at..]` with `expected`; 'need-more' when bytes end first while still equal. */
const compareAt = (bytes: Uint8Array, at: number, expected: Uint8Array): Detection => {
  for (let i = 0; i < expected.length; i += 1) {
    const b = bytes[at + i];
    if (b === undefined) return 'need-more';
    if (b !== expected[i]) return 'no-match';
  }
  return 'match';
};

/** After "HTTP/1.": one digit then CRLF (or LF). */
const versionTail = (bytes: Uint8Array, at: number): Detection => {
  if (bytes.length <= at) return 'need-more';
  if (!isDigit(bytes[at])) return 'no-match';
  const next = bytes[at + 1];
  if (next === undefined) return 'need-more';
  if (next === 0x0a) return 'match';
  if (next !== 0x0d) return 'no-match';
  if (bytes.length <= at + 2) return 'need-more';
  return bytes[at + 2] === 0x0a ? 'match' : 'no-match';
};

/** Scans the request target up to the space before "HTTP/1.". */
const afterMethod = (bytes: Uint8Array, start: number): Detection => {
  if (bytes.length <= start) return 'need-more';
  let at = start;
  while (at < bytes.length && bytes[at] !== 0x20) {
    if (!isTargetByte(bytes[at] ?? 0)) return 'no-match';
    at += 1;
  }
  if (at === start) return 'no-match';
  if (at >= bytes.length) return at - start >= longTarget ? 'match' : 'need-more';
  const sep = compareAt(bytes, at, version);
  return sep === 'match' ? versionTail(bytes, at + version.length) : sep;
};

/** First octets of the methods: any other first octet fails every method at its first comparison. */
const methodFirst = new Set(methodBytes.map((m) => m[0]));

/** A request line: a known method, SP, a request-target, SP, HTTP/1.x, CRLF. */
export const detectRequestLine = (bytes: Uint8Array): Detection => {
  if (bytes.length > 0 && !methodFirst.has(bytes[0])) return 'no-match';
  let best: Detection = 'no-match';
  for (const method of methodBytes) {
    const verdict = compareAt(bytes, 0, method);
    if (verdict === 'match') return afterMethod(bytes, method.length);
    if (verdict === 'need-more') best = 'need-more';
  }
  return best;
};

/** A status line: HTTP/1.x SP three digits then SP or CRLF (§4: reason phrase may be empty). */
export const detectStatusLine = (bytes: Uint8Array): Detection => {
  const prefix = compareAt(bytes, 0, statusPrefix);
  if (prefix !== 'match') return prefix;
  const expect = [isDigit, (b: number | undefined) => b === 0x20, isDigit, isDigit, isDigit];
  for (let i = 0; i < expect.length; i += 1) {
    const b = bytes[statusPrefix.length + i];
    if (b === undefined) return 'need-more';
    if (!expect[i]?.(b)) return 'no-match';
  }
  const next = bytes[statusPrefix.length + expect.length];
  if (next === undefined) return 'need-more';
  return next === 0x20 || next === 0x0d || next === 0x0a ? 'match' : 'no-match';
};
