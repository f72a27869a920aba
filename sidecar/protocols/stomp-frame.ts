/**
 * A STOMP frame's head (STOMP 1.2 "Augmented BNF"; 1.0 and 1.1 alike): a command line, header lines `name:value`
 * (each line may end CR LF), a blank line; then the body, ending with NUL, or after `content-length` octets and a NUL.
 * 1.1 and 1.2 escape `\n`, `\c`, `\\` and `\r` in header names and values, except in CONNECT and CONNECTED frames.
 */
import { utf8View } from './wire-bytes.ts';

export const clientCommands = [
  'CONNECT',
  'STOMP',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'ACK',
  'NACK',
  'DISCONNECT',
] as const;
export const serverCommands = ['CONNECTED', 'MESSAGE', 'RECEIPT', 'ERROR'] as const;
const commands = new Set<string>([...clientCommands, ...serverCommands]);
/** Frames whose headers are never escaped (1.2 "Value Encoding"). */
const unescaped = new Set(['CONNECT', 'STOMP', 'CONNECTED']);
/** The headers kept per frame: the first of a repeated name wins (1.2 "Repeated Header Entries"). */
const maxHeaders = 64;
const lf = 0x0a;

export type StompHead = {
  command: string;
  headers: ReadonlyMap<string, string>;
  /** Offset of the body's first octet. */
  bodyStart: number;
  /** The `content-length` header's value, when sent. */
  contentLength?: number;
  /** A header held an escape 1.2 does not define (a fatal error for the receiver). */
  badEscape: boolean;
};

/** `need-more`: the head is not all there yet; `bad`: these octets are no STOMP frame's head. */
export type HeadRead = StompHead | 'need-more' | 'bad';

const escapes: Readonly<Record<string, string>> = { n: '\n', c: ':', '\\': '\\', r: '\r' };

/** A header text unescaped; undefined when it holds an escape 1.2 does not define. */
const unescapeHeader = (text: string): string | undefined => {
  if (!text.includes('\\')) return text;
  let bad = false;
  const out = text.replace(/\\(.?)/gs, (_, c: string) => {
    const plain = escapes[c];
    if (plain === undefined) bad = true;
    return plain ?? `\\${c}`;
  });
  return bad ? undefined : out;
};

/** One line `[start, end)` (its LF at `end`), without a CR before the LF. */
const lineAt = (b: Uint8Array, start: number, end: number): string =>
  utf8View(b, start, end > start && b[end - 1] === 0x0d ? end - 1 : end);

const longestCommand = 'UNSUBSCRIBE'.length + 1;

/** The header lines from `start` to the blank line: each one's text, and where the body starts. */
const headerLines = (
  b: Uint8Array,
  start: number,
): { lines: string[]; bodyStart: number } | 'need-more' | 'bad' => {
  const lines: string[] = [];
  let at = start;
  for (;;) {
    const end = b.indexOf(lf, at);
    // A NUL before the blank line ends the frame inside its head.
    if (b.subarray(at, end < 0 ? b.length : end).includes(0)) return 'bad';
    if (end < 0) return 'need-more';
    const line = lineAt(b, at, end);
    at = end + 1;
    if (line === '') return { lines, bodyStart: at };
    if (line.indexOf(':') <= 0) return 'bad';
    lines.push(line);
  }
};

/** The frame's headers, unescaped when the command's are escaped; `badEscape` when one could not be. */
const headersOf = (
  command: string,
  lines: readonly string[],
): { headers: Map<string, string>; badEscape: boolean } => {
  const headers = new Map<string, string>();
  let badEscape = false;
  const raw = unescaped.has(command);
  for (const line of lines) {
    if (headers.size >= maxHeaders) break;
    const colon = line.indexOf(':');
    const name = raw ? line.slice(0, colon) : unescapeHeader(line.slice(0, colon));
    const value = raw ? line.slice(colon + 1) : unescapeHeader(line.slice(colon + 1));
    if (name === undefined || value === undefined) badEscape = true;
    const key = name ?? line.slice(0, colon);
    if (!headers.has(key)) headers.set(key, value ?? line.slice(colon + 1));
  }
  return { headers, badEscape };
};

/** Reads the head of the frame at `at`. */
export const readStompHead = (b: Uint8Array, at = 0): HeadRead => {
  const commandEnd = b.indexOf(lf, at);
  if (commandEnd < 0) return b.length - at > longestCommand ? 'bad' : 'need-more';
  const command = lineAt(b, at, commandEnd);
  if (!commands.has(command)) return 'bad';
  const read = headerLines(b, commandEnd + 1);
  if (typeof read === 'string') return read;
  const { headers, badEscape } = headersOf(command, read.lines);
  const head: StompHead = { command, headers, bodyStart: read.bodyStart, badEscape };
  const length = headers.get('content-length');
  if (length !== undefined) {
    // ActiveMQ and RabbitMQ refuse a length that is not a decimal count (CVE-2026-49432: a negative one).
    if (!/^\s*\d{1,10}\s*$/.test(length)) return 'bad';
    head.contentLength = Number(length);
  }
  return head;
};

/**
 * Where the frame whose head is `head` ends in `b` (after its NUL): a number past `b.length` when the content-length
 * says so, 0 while its NUL is not there yet.
 */
export const stompFrameEnd = (b: Uint8Array, head: StompHead): number => {
  if (head.contentLength !== undefined) return head.bodyStart + head.contentLength + 1;
  const nul = b.indexOf(0, head.bodyStart);
  return nul < 0 ? 0 : nul + 1;
};

/** Octets at `at` that are heart-beats or the EOLs after a frame's NUL (1.2 "Heart-beating"): how many. */
export const eolsAt = (b: Uint8Array, at: number): number => {
  let i = at;
  for (;;) {
    if (b[i] === lf) i += 1;
    else if (b[i] === 0x0d && b[i + 1] === lf) i += 2;
    else return i - at;
  }
};
