/**
 * memcached, text and binary protocols: commands (and errors) as operation events, data blocks skipped; a text line past
 * 2048 octets read as memcached reads it (a multi-get's head, else the side stops).
 */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import {
  detectMemcachedBinary,
  type MemcachedBinaryHeader,
  memcachedHeaderLength,
  memcachedOpcodeName,
  readMemcachedHeader,
} from './memcached-binary.ts';
import {
  isMemcachedCommand,
  isMemcachedReply,
  memcachedDataLength,
  memcachedVerbs,
} from './memcached-text.ts';
import type { Detection, Protocol } from './protocol.ts';
import { latin1 } from './wire-bytes.ts';

const maxLine = 2048;
/** A command's keys are kept whole, as long as its line: cut at 1 KiB, the keys after it were not judged (ADR 36). */
const maxDetail = maxLine;
const replyWords = [
  'VALUE',
  'STAT',
  'VERSION',
  'CLIENT_ERROR',
  'SERVER_ERROR',
  'END',
  'STORED',
  'NOT_STORED',
];
const moreReplyWords = ['EXISTS', 'NOT_FOUND', 'DELETED', 'TOUCHED'];
const errorWords = new Set(['ERROR', 'CLIENT_ERROR', 'SERVER_ERROR']);

const noBytes = new Uint8Array(0);

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

const tokens = (line: string): string[] => line.split(' ').filter((t) => t !== '');

/** While the first line is incomplete: could it still become a known command or reply word? */
const couldBecome = (text: string, words: readonly string[]): boolean => {
  const first = text.split(' ')[0] ?? '';
  const spaced = text.includes(' ');
  return words.some((w) => (spaced ? first === w : w.startsWith(first)));
};

const commandWords = [...memcachedVerbs];
const replyOpeners = [...replyWords, ...moreReplyWords];
/** First octets a line can start with and still be (or become) a command or reply: a word's first letter, or a space. */
const firstOctets = (words: readonly string[]): Uint8Array => {
  const allowed = new Uint8Array(256);
  allowed[0x20] = 1;
  for (const word of words) allowed[word.charCodeAt(0)] = 1;
  return allowed;
};
const commandFirst = firstOctets(commandWords);
const replyFirst = firstOctets(replyOpeners);

/** A first line without its LF yet (possibly cut between CR and LF, "stats\r"): could it still become one? */
const unfinishedLine = (text: string, words: readonly string[]): Detection => {
  const open = text.endsWith('\r') ? text.slice(0, -1) : text;
  return text.length <= maxLine && couldBecome(open, words) ? 'need-more' : 'no-match';
};

const detectText = (bytes: Uint8Array, direction: Direction): Detection => {
  const toServer = direction === 'to-server';
  // The first token (after spaces) must be one of the words, or a prefix of one: decided without the text.
  if (bytes.length > 0 && (toServer ? commandFirst : replyFirst)[bytes[0] ?? 0] !== 1) return 'no-match';
  const text = latin1(bytes, 0, maxLine + 1);
  const end = text.indexOf('\n');
  if (end < 0) return unfinishedLine(text, toServer ? commandWords : replyOpeners);
  const line = tokens(text.slice(0, end).replace(/\r$/, ''));
  return (toServer ? isMemcachedCommand(line) : isMemcachedReply(line)) ? 'match' : 'no-match';
};

const detectMemcached = (bytes: Uint8Array, direction: Direction): Detection => {
  const binary = detectMemcachedBinary(bytes, direction === 'to-server');
  return binary === 'no-match' ? detectText(bytes, direction) : binary;
};

type Side = {
  mode: 'unknown' | 'text' | 'binary' | 'stopped';
  text: string;
  /** The head of a long multi-get was read: what comes before the next line end is its rest, passed over. */
  discard: boolean;
  bytes: Uint8Array;
  skip: number;
};

const operation = (direction: Direction, ts: number, name: string, detail: string): OperationEvent => {
  const event: OperationEvent = { kind: 'operation', ts, direction, protocol: 'memcached', operation: name };
  if (detail !== '') event.detail = detail.slice(0, maxDetail);
  return event;
};

/** Words whose line announces a data block (`memcachedDataLength` is 0 for every other line). */
const dataWords = new Set(['set', 'add', 'replace', 'append', 'prepend', 'cas', 'VALUE', 'ms', 'VA']);

/** The first space-separated token of `text[start, end)`, as `tokens()` would give it ('' when none). */
const firstWord = (text: string, start: number, end: number): string => {
  let from = start;
  while (from < end && text.charCodeAt(from) === 0x20) from += 1;
  let to = from;
  while (to < end && text.charCodeAt(to) !== 0x20) to += 1;
  return text.slice(from, to);
};

/**
 * One line: its event, and the data block it announces to skip. Only lines that carry data or make an event are
 * split into tokens; the rest (a `stats` reply is a hundred STAT lines) cost a look at their first word.
 */
const onTextLine = (
  side: Side,
  text: string,
  start: number,
  end: number,
  direction: Direction,
  ts: number,
  out: ProtocolEvent[],
): void => {
  const word = firstWord(text, start, end);
  const isEvent = direction === 'to-server' ? memcachedVerbs.has(word) : errorWords.has(word);
  if (!isEvent && !dataWords.has(word)) return;
  const words = tokens(text.slice(start, end));
  side.skip = memcachedDataLength(words);
  // Past the event cap parsing goes on (data blocks must still be skipped); only events are dropped.
  if (isEvent) out.push(operation(direction, ts, word, words.slice(1).join(' ')));
};

/**
 * memcached reads a multi-get line of any length and closes the connection on any other line it finds no end to in
 * its first kilobyte or two (try_read_command_ascii: `get ` or `gets ` after at most 100 spaces); `gat` and `gats`,
 * multi-gets too, are read the same way here.
 */
const longMultiGet = /^ {0,100}(?:gets?|gats?) /;

/**
 * A line past `maxLine` from `start`, whole or still coming: a client's multi-get is read as its first `maxLine`
 * octets, the keys whole in them (the last is cut unless the octet after the head ends it), and true is returned (the
 * rest of the line is to be passed over); any other stops the side. Whole or in pieces, a line is read the same way
 * (a whole one in a chunk was read at any length, one in pieces stopped the side).
 */
const readLongLine = (
  side: Side,
  text: string,
  start: number,
  direction: Direction,
  ts: number,
  out: ProtocolEvent[],
): boolean => {
  const head = text.slice(start, start + maxLine);
  if (direction !== 'to-server' || !longMultiGet.test(head)) {
    side.mode = 'stopped';
    side.text = '';
    return false;
  }
  const whole = text.charCodeAt(start + maxLine) === 0x20 ? head : head.slice(0, head.lastIndexOf(' '));
  onTextLine(side, whole, 0, whole.length, direction, ts, out);
  return true;
};

/** One complete line: the rest of a long one passed over, a short one read, a long one read or the side stopped. */
const readLine = (
  side: Side,
  text: string,
  start: number,
  end: number,
  direction: Direction,
  ts: number,
  out: ProtocolEvent[],
): boolean => {
  if (side.discard) side.discard = false;
  else if (end - start <= maxLine) onTextLine(side, text, start, end, direction, ts, out);
  else return readLongLine(side, text, start, direction, ts, out);
  return true;
};

/** Octets of a data block passed over from `at`; the new position. */
const skipData = (side: Side, text: string, at: number): number => {
  const skipped = Math.min(side.skip, text.length - at);
  side.skip -= skipped;
  return at + skipped;
};

/** What follows the last line end, held for the next chunk; a line still going past the bound is read (or stopped). */
const holdRest = (side: Side, rest: string, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
  side.text = rest;
  if (rest.length <= maxLine) return;
  // Its head read now (or already): the rest dropped as it comes.
  if (!side.discard && !readLongLine(side, rest, 0, direction, ts, out)) return;
  side.discard = true;
  side.text = '';
};

/**
 * Text: one command per line; storage commands and VALUE replies carry a data block (bytes + CRLF). `side.discard`:
 * the rest of a long line whose head was read, passed over to its end.
 */
const runText = (side: Side, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
  const text = side.text;
  let at = 0;
  for (;;) {
    if (side.skip > 0) at = skipData(side, text, at);
    if (side.skip > 0) break;
    const end = text.indexOf('\n', at);
    if (end < 0) break;
    const lineEnd = end > at && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    const start = at;
    at = end + 1;
    if (!readLine(side, text, start, lineEnd, direction, ts, out)) return;
  }
  holdRest(side, at === 0 ? text : text.slice(at), direction, ts, out);
};

/** Requests by opcode name with their key; responses only when they failed. */
const binaryEvent = (h: MemcachedBinaryHeader, key: string, direction: Direction, ts: number) => {
  if (h.magic === 0x80) return operation(direction, ts, memcachedOpcodeName(h.opcode), key);
  return h.status === 0 ? undefined : operation(direction, ts, 'error', `status 0x${h.status.toString(16)}`);
};

/** Binary: 24-octet header then body (extras, key, value); requests and failed responses become events. */
const runBinary = (side: Side, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
  let b = side.bytes;
  while (b.length >= memcachedHeaderLength) {
    if (b[0] !== 0x80 && b[0] !== 0x81) {
      side.mode = 'stopped';
      break;
    }
    const h = readMemcachedHeader(b);
    const keyStart = memcachedHeaderLength + h.extrasLength;
    if (b.length < keyStart + h.keyLength) break;
    const key = latin1(b, keyStart, keyStart + h.keyLength);
    const event = binaryEvent(h, key, direction, ts);
    if (event) out.push(event);
    side.skip = memcachedHeaderLength + h.bodyLength;
    const skipped = Math.min(side.skip, b.length);
    side.skip -= skipped;
    b = b.subarray(skipped);
  }
  side.bytes = b.length === 0 ? noBytes : b.slice();
};

const createMemcachedParser = () => {
  const sides: Record<Direction, Side> = {
    'to-server': { mode: 'unknown', text: '', discard: false, bytes: new Uint8Array(0), skip: 0 },
    'to-client': { mode: 'unknown', text: '', discard: false, bytes: new Uint8Array(0), skip: 0 },
  };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const side = sides[direction];
      const out: ProtocolEvent[] = [];
      if (side.mode === 'unknown' && chunk.length > 0)
        side.mode = chunk[0] === 0x80 || chunk[0] === 0x81 ? 'binary' : 'text';
      if (side.mode === 'text') {
        side.text += latin1(chunk);
        runText(side, direction, ts, out);
      } else if (side.mode === 'binary') {
        const rest = chunk.subarray(Math.min(side.skip, chunk.length));
        side.skip -= chunk.length - rest.length;
        side.bytes = concat(side.bytes, rest);
        runBinary(side, direction, ts, out);
        if (side.bytes.length > 65536) side.mode = 'stopped';
      }
      return out;
    },
    gap(direction: Direction): void {
      // Text could resync on a line, but a lost data block makes that guesswork: stop this direction.
      sides[direction].mode = 'stopped';
    },
  };
};

export const memcached: Protocol = {
  id: 'memcached',
  transport: 'tcp',
  ports: [11211],
  encrypted: false,
  detect: detectMemcached,
  createParser: createMemcachedParser,
};
