/** One direction of an HTTP/1.x connection: what it buffers and reads, and where it finds its frame again. */
import type { Direction } from '../events.ts';
import type { ChunkedState } from './http-chunked.ts';
import { detectRequestLine, detectStatusLine } from './http-detect.ts';
import type { HttpMessage } from './http-message.ts';
import type { Detection } from './protocol.ts';
import { latin1 } from './wire-bytes.ts';

export type HttpMode =
  | 'head'
  /** A response whose request is not known declared a body: is the next status line where it would start? */
  | 'probe'
  | 'length'
  | 'chunked'
  | 'until-close'
  | 'resync'
  | 'tunnel'
  | 'h2'
  | 'websocket'
  | 'stopped';

export type BodyMode = 'length' | 'chunked' | 'until-close';

export type HttpSide = {
  direction: Direction;
  pending: Uint8Array;
  mode: HttpMode;
  remaining: number;
  chunked: ChunkedState;
  message: HttpMessage | undefined;
  /** While probing: how the head said its body is delimited, taken when no status line starts there. */
  declared: BodyMode;
  /** The capture time of the last octets read: a message cut by lost octets is told at it. */
  ts: number;
  /** In 'resync': `pending` starts where a line does, so its first line is a candidate too. */
  lineStart: boolean;
};

export const newHttpSide = (direction: Direction): HttpSide => ({
  direction,
  pending: new Uint8Array(0),
  mode: 'head',
  remaining: 0,
  chunked: { phase: 'size', remaining: 0 },
  message: undefined,
  declared: 'length',
  ts: 0,
  lineStart: false,
});

export const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** The side's start-line detector: a request line to the server, a status line to the client. */
export const startLine = (side: HttpSide): ((bytes: Uint8Array) => 'match' | 'no-match' | 'need-more') =>
  side.direction === 'to-server' ? detectRequestLine : detectStatusLine;

/**
 * RFC 9112 §3: method SP request-target SP HTTP-version. The method is any token, as servers read it (Go and nginx pass
 * methods they do not know on to the application); the target any visible octet, as `detectRequestLine` reads it.
 */
const requestLinePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ [\x21-\x7e\x80-\xff]+ HTTP\/1\.\d\r?$/;

/**
 * Whether what the side holds starts with its kind of start line: a request line to the server (read once its line
 * ends), a status line to the client. 'no-match': the octets are no message's start, out of frame.
 */
export const firstLine = (side: HttpSide): Detection => {
  if (side.direction === 'to-client') return detectStatusLine(side.pending);
  const end = side.pending.indexOf(0x0a);
  if (end < 0) return 'need-more';
  return requestLinePattern.test(latin1(side.pending, 0, end)) ? 'match' : 'no-match';
};

/** How many line ends (CR, LF) start what the side holds: RFC 9112 §2.2 has a server ignore them before a request. */
export const leadingLineEnds = (bytes: Uint8Array): number => {
  let at = 0;
  while (bytes[at] === 0x0d || bytes[at] === 0x0a) at++;
  return at;
};

/**
 * The side holds the start of an interim answer's head (RFC 9110 §15.2: a 1xx other than 101, which switches
 * protocols and is final): a status line whose code starts with 1, its digits after `HTTP/1.x `.
 */
export const interimHead = (side: HttpSide): boolean => {
  const b = side.pending;
  if (side.direction !== 'to-client' || side.mode !== 'head' || detectStatusLine(b) !== 'match') return false;
  return b[9] === 0x31 && !(b[10] === 0x30 && b[11] === 0x31);
};

/**
 * The side looks for its next message line by line; `lineStart`: what it holds starts a line, so the first line is a
 * candidate too (told, not marked by a line feed put in front: that copied what the side held each time).
 */
export const startResync = (side: HttpSide, lineStart = true): void => {
  side.mode = 'resync';
  side.lineStart = lineStart;
};

/**
 * After lost bytes: the offset of the next line that starts a request (or status line), or where to keep
 * waiting from.
 */
export const findStart = (side: HttpSide): { at: number; found: boolean } => {
  const detect = startLine(side);
  if (side.lineStart) {
    const verdict = detect(side.pending);
    if (verdict !== 'no-match') return { at: 0, found: verdict === 'match' };
    side.lineStart = false;
  }
  for (let at = side.pending.indexOf(0x0a); at >= 0; at = side.pending.indexOf(0x0a, at + 1)) {
    const verdict = detect(side.pending.subarray(at + 1));
    if (verdict === 'match') return { at: at + 1, found: true };
    if (verdict === 'need-more') return { at, found: false };
  }
  return { at: Math.max(0, side.pending.length - 1), found: false };
};

/**
 * `lost` octets inside a body whose end is known (a Content-Length, the chunk being read, or the rest of the
 * connection): they are skipped and reading stays in frame; false when where they end is not known. Only while
 * nothing is buffered: in these modes everything buffered is read, so the lost octets come next.
 */
export const skipInFrame = (side: HttpSide, lost: number | undefined): boolean => {
  if (side.pending.length > 0) return false;
  if (side.mode === 'until-close') return true;
  if (lost === undefined) return false;
  if (side.mode === 'length' && lost <= side.remaining) {
    side.remaining -= lost;
    return true;
  }
  const chunk = side.chunked;
  if (side.mode === 'chunked' && chunk.phase === 'data' && lost <= chunk.remaining) {
    chunk.remaining -= lost;
    if (chunk.remaining === 0) chunk.phase = 'data-end';
    return true;
  }
  return false;
};
