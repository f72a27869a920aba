/** memcached, text and binary protocols: commands (and errors) as operation events, data blocks skipped. */
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
const maxEvents = 64;
const maxDetail = 1024;
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

const detectText = (bytes: Uint8Array, direction: Direction): Detection => {
  const toServer = direction === 'to-server';
  // The first token (after spaces) must be one of the words, or a prefix of one: decided without the text.
  if (bytes.length > 0 && (toServer ? commandFirst : replyFirst)[bytes[0] ?? 0] !== 1) return 'no-match';
  const text = latin1(bytes, 0, maxLine + 1);
  const end = text.indexOf('\n');
  if (end < 0) {
    const words = toServer ? commandWords : replyOpeners;
    return text.length <= maxLine && couldBecome(text, words) ? 'need-more' : 'no-match';
  }
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
  bytes: Uint8Array;
  skip: number;
};

const operation = (direction: Direction, ts: number, name: string, detail: string): OperationEvent => {
  const event: OperationEvent = { kind: 'operation', ts, direction, protocol: 'memcached', operation: name };
  if (detail !== '') event.detail = detail.slice(0, maxDetail);
  return event;
};

/** Text: one command per line; storage commands and VALUE replies carry a data block (bytes + CRLF). */
const runText = (side: Side, direction: Direction, ts: number, out: ProtocolEvent[]): void => {
  for (;;) {
    if (side.skip > 0) {
      const skipped = Math.min(side.skip, side.text.length);
      side.skip -= skipped;
      side.text = side.text.slice(skipped);
      if (side.skip > 0) return;
    }
    const end = side.text.indexOf('\n');
    if (end < 0) break;
    const line = tokens(side.text.slice(0, end).replace(/\r$/, ''));
    side.text = side.text.slice(end + 1);
    side.skip = memcachedDataLength(line);
    const [word = ''] = line;
    // Past the event cap parsing goes on (data blocks must still be skipped); only events are dropped.
    const isEvent = direction === 'to-server' ? memcachedVerbs.has(word) : errorWords.has(word);
    if (isEvent && out.length < maxEvents) out.push(operation(direction, ts, word, line.slice(1).join(' ')));
  }
  if (side.text.length > maxLine) side.mode = 'stopped';
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
    const key = Buffer.from(b.subarray(keyStart, keyStart + h.keyLength)).toString('latin1');
    const event = binaryEvent(h, key, direction, ts);
    // Past the event cap framing goes on; only events are dropped.
    if (event && out.length < maxEvents) out.push(event);
    side.skip = memcachedHeaderLength + h.bodyLength;
    const skipped = Math.min(side.skip, b.length);
    side.skip -= skipped;
    b = b.subarray(skipped);
  }
  side.bytes = b.slice();
};

const createMemcachedParser = () => {
  const sides: Record<Direction, Side> = {
    'to-server': { mode: 'unknown', text: '', bytes: new Uint8Array(0), skip: 0 },
    'to-client': { mode: 'unknown', text: '', bytes: new Uint8Array(0), skip: 0 },
  };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const side = sides[direction];
      const out: ProtocolEvent[] = [];
      if (side.mode === 'unknown' && chunk.length > 0)
        side.mode = chunk[0] === 0x80 || chunk[0] === 0x81 ? 'binary' : 'text';
      if (side.mode === 'text') {
        side.text += Buffer.from(chunk).toString('latin1');
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
