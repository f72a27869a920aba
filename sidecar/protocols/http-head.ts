/** HTTP/1.x message heads (RFC 9112 §2–§5): start line and header fields, with bounds. */

import type { ForwardingHeader } from '#core/finding.ts';
import type { Header } from '../events.ts';
import {
  addForwardingLine,
  boundForwarding,
  type ForwardingLines,
  isForwardingName,
} from './http-forwarded.ts';
import { latin1 } from './wire-bytes.ts';

export type HttpHead = {
  /** Request: method, target, version; response: version, status, reason. */
  first: readonly [string, string, string];
  headers: Header[];
};

export type HeadResult = { head: HttpHead; length: number } | 'incomplete' | 'malformed';

/**
 * Largest head we buffer (request line plus fields); larger is treated as malformed. Within it every field and the
 * whole target are kept (ADR 30): a head is read whole before it is parsed, and its event lives only while the
 * observers read it, so a bound on fields or values saved no memory and hid whatever was put past it.
 */
export const maxHeadLength = 65536;

/**
 * Position just past the empty line ending the head (CRLF CRLF, or bare LF LF tolerated by §2.2), or -1.
 * Searched in the bytes, so that only the head is ever converted to text.
 */
const headEnd = (bytes: Uint8Array, bound: number): number => {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, bound));
  const crlf = view.indexOf('\r\n\r\n', 0, 'latin1');
  const lf = view.indexOf('\n\n', 0, 'latin1');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : -1;
};

const splitFirst = (line: string): readonly [string, string, string] | undefined => {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  if (a <= 0) return undefined;
  if (b < 0) return [line.slice(0, a), line.slice(a + 1), ''];
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1)];
};

/**
 * §5.2 obsolete line folding continues the previous field value. Forwarding headers are kept whatever their count and
 * length, their lines joined into one, from the right (`addForwardingLine`): the nearest proxy's entry is last.
 */
const parseFields = (lines: readonly string[]): Header[] => {
  const headers: Header[] = [];
  let forwarding: ForwardingLines | undefined;
  /** Where the header the last line read went (-1: none yet, or the line was not a field). */
  let previous = -1;
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // A folded line continues the header it follows (none: the line before was not a field), never starts its own.
      if (previous >= 0) fold(headers, previous, line.trim());
      continue;
    }
    const colon = line.indexOf(':');
    previous = -1;
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (isForwardingName(name)) {
      forwarding ??= {};
      addForwardingLine(headers, forwarding, name as ForwardingHeader, name, line.slice(colon + 1).trim());
      previous = forwarding[name as ForwardingHeader] ?? -1;
    } else previous = headers.push([name, line.slice(colon + 1).trim()]) - 1;
  }
  return headers;
};

/** A folded line joins the value of the header at `at` (the last line read). */
const fold = (headers: Header[], at: number, text: string): void => {
  const [name, value] = headers[at] as Header;
  const joined = `${value} ${text}`;
  headers[at] = [name, isForwardingName(name) ? boundForwarding(joined) : joined];
};

/**
 * Parses a head at the start of `bytes`, its end looked for within `bound` octets. Header names are lowercased.
 */
export const parseHttpHead = (bytes: Uint8Array, bound = maxHeadLength): HeadResult => {
  const end = headEnd(bytes, bound);
  if (end < 0) return bytes.length >= bound ? 'malformed' : 'incomplete';
  const lines = latin1(bytes, 0, end).split(/\r?\n/);
  const first = splitFirst(lines[0] ?? '');
  if (first === undefined) return 'malformed';
  return { head: { first, headers: parseFields(lines.slice(1, -2)) }, length: end };
};

export const headerValue = (headers: readonly Header[], name: string): string | undefined =>
  headers.find((h) => h[0] === name)?.[1];

/** The first header named `name` (lowercase), whatever the case it was sent in: events keep names as sent. */
export const headerNamed = (headers: readonly Header[], name: string): string | undefined =>
  headers.find(([key]) => key.toLowerCase() === name)?.[1];

/** The same, lowercased, or '' when absent: for values compared as tokens (content types, codings). */
export const headerToken = (headers: readonly Header[], name: string): string =>
  (headerNamed(headers, name) ?? '').toLowerCase();
