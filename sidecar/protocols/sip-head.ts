/**
 * A SIP message's head (RFC 3261 §7): its start line, a request's `Method Request-URI SIP/2.0` or a response's
 * `SIP/2.0 Status-Code Reason-Phrase`, and its header fields, long and compact names alike (§7.3.3), folded lines
 * joined (§7.3.1), read up to the blank line that ends the head. Shared by detection (sip-detect.ts) and the parser.
 */
import { latin1 } from './wire-bytes.ts';

/** The methods of RFC 3261 and the extensions in wide use (RFC 3262, 3265, 3311, 3428, 3515, 3903, 6086). */
export const sipMethods = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'REGISTER',
  'OPTIONS',
  'SUBSCRIBE',
  'NOTIFY',
  'MESSAGE',
  'INFO',
  'PRACK',
  'UPDATE',
  'REFER',
  'PUBLISH',
] as const;

/** RFC 3261 §7.3.3 and the registry's one-letter names for the headers read here. */
const compactNames: Readonly<Record<string, string>> = {
  v: 'via',
  i: 'call-id',
  f: 'from',
  t: 'to',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
};

export type SipStart =
  | { kind: 'request'; method: string; uri: string }
  | { kind: 'response'; status: number; reason: string };

export type SipHead = {
  start: SipStart;
  /** Header fields by lower-case long name, the first of each name (a later one of the same name is not kept). */
  headers: Map<string, string>;
  /** Where the body starts: just past the blank line. */
  bodyStart: number;
  /** Content-Length, when the message has one. */
  contentLength: number | undefined;
};

/** The most octets a head may have: a message is read from its first 64 KiB. */
export const maxSipHead = 64 * 1024;

/** A request line: a token method (known ones at detection), a sip, sips or tel URI, the version. */
const requestLine = /^([A-Z][A-Z-]{0,31}) ((?:sips?|tel):[\x21-\x7e]{1,2048}) SIP\/2\.0$/i;
const statusLine = /^SIP\/2\.0 ([1-6]\d\d) ([^\x00-\x08\x0a-\x1f\x7f]{0,256})$/;
/** A header line: a token name, optional white space, the colon (§7.3.1, HCOLON). */
const headerLine = /^([!#-'*+.\d^-z|~A-Z-]{1,64})[ \t]*:[ \t]*/;

export const readStartLine = (line: string): SipStart | undefined => {
  const request = requestLine.exec(line);
  if (request !== null) {
    const method = request[1] as string;
    // Methods are case-sensitive (§7.1); the URI scheme is not (§19.1.1).
    return method === method.toUpperCase()
      ? { kind: 'request', method, uri: request[2] as string }
      : undefined;
  }
  const status = statusLine.exec(line);
  return status === null
    ? undefined
    : { kind: 'response', status: Number(status[1]), reason: status[2] as string };
};

/** A header name as read here: lower case, a compact name spelled out. */
export const headerName = (raw: string): string => {
  const lower = raw.toLowerCase();
  return compactNames[lower] ?? lower;
};

const folded = (line: string): boolean => line.startsWith(' ') || line.startsWith('\t');

/** The header lines of `lines` (after the start line) into a map; undefined when one is not a header line. */
export const readHeaders = (lines: readonly string[]): Map<string, string> | undefined => {
  const headers = new Map<string, string>();
  // The field a folded line continues (§7.3.1); undefined for a later field of a name already kept.
  let last: string | undefined;
  for (const [index, line] of lines.entries()) {
    if (folded(line)) {
      if (index === 0) return undefined;
      if (last !== undefined) headers.set(last, `${headers.get(last)} ${line.trim()}`);
      continue;
    }
    const name = headerLine.exec(line);
    if (name === null) return undefined;
    const key = headerName(name[1] as string);
    last = headers.has(key) ? undefined : key;
    if (last !== undefined) headers.set(key, line.slice(name[0].length).trimEnd());
  }
  return headers;
};

/** Where the head's blank line ends (CRLF CRLF, or bare LFs), or -1 when it has not come. */
export const headEnd = (b: Uint8Array, from = 0): number => {
  const crlf = b.indexOf(0x0a, from);
  for (let at = crlf; at >= 0 && at < b.length; at = b.indexOf(0x0a, at + 1)) {
    if (b[at + 1] === 0x0a) return at + 2;
    if (b[at + 1] === 0x0d && b[at + 2] === 0x0a) return at + 3;
  }
  return -1;
};

const contentLengthOf = (value: string | undefined): number | undefined | 'bad' => {
  if (value === undefined) return undefined;
  return /^\d{1,9}$/.test(value) ? Number(value) : 'bad';
};

/** The head starting at `at`: whole, 'need-more' while its blank line has not come, or 'bad'. */
export const readSipHead = (b: Uint8Array, at = 0): SipHead | 'need-more' | 'bad' => {
  const end = headEnd(b, at);
  if (end < 0) return b.length - at >= maxSipHead ? 'bad' : 'need-more';
  if (end - at > maxSipHead) return 'bad';
  const lines = latin1(b, at, end).split(/\r?\n/);
  // The split leaves two empty strings behind the blank line.
  lines.length -= 2;
  const start = readStartLine(lines[0] ?? '');
  const headers = start === undefined ? undefined : readHeaders(lines.slice(1));
  if (start === undefined || headers === undefined) return 'bad';
  const contentLength = contentLengthOf(headers.get('content-length'));
  if (contentLength === 'bad') return 'bad';
  return { start, headers, bodyStart: end, contentLength };
};
