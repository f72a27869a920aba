/**
 * STOMP detection from either side's first frame (stomp-frame.ts): a command of that side, header lines, a blank line,
 * and either the whole frame up to its NUL or, while the body is still coming, a header the command cannot go without.
 * A connection picked up mid-stream is taken the same way from its first SEND or MESSAGE.
 */
import type { Direction } from '../events.ts';
import type { Detection } from './protocol.ts';
import {
  clientCommands,
  eolsAt,
  readStompHead,
  type StompHead,
  serverCommands,
  stompFrameEnd,
} from './stomp-frame.ts';
import { latin1 } from './wire-bytes.ts';

/** Heart-beats a side may send before its first frame is seen (a connection picked up mid-stream). */
const maxLeadingEols = 16;
const byDirection: Record<Direction, readonly string[]> = {
  'to-server': clientCommands,
  'to-client': serverCommands,
};
/** First octets of each side's commands: the one test most flows get. */
const firsts: Record<Direction, ReadonlySet<number>> = {
  'to-server': new Set(clientCommands.map((c) => c.charCodeAt(0))),
  'to-client': new Set(serverCommands.map((c) => c.charCodeAt(0))),
};

/** Headers one of which each command carries (1.2 "Client Frames", "Server Frames"; 1.0 and 1.1 for CONNECT). */
const keyHeaders: Readonly<Record<string, readonly string[]>> = {
  CONNECT: ['accept-version', 'login', 'host', 'heart-beat'],
  STOMP: ['accept-version', 'login', 'host', 'heart-beat'],
  SEND: ['destination'],
  SUBSCRIBE: ['destination'],
  UNSUBSCRIBE: ['id', 'destination'],
  BEGIN: ['transaction'],
  COMMIT: ['transaction'],
  ABORT: ['transaction'],
  ACK: ['id', 'message-id'],
  NACK: ['id', 'message-id'],
  DISCONNECT: ['receipt'],
  CONNECTED: ['version', 'session', 'server'],
  MESSAGE: ['destination'],
  RECEIPT: ['receipt-id'],
  ERROR: ['message'],
};

/** The command line's octets so far (no LF yet): a beginning of one of the side's commands (and its CR)? */
const commandPrefix = (b: Uint8Array, at: number, direction: Direction): Detection => {
  const text = latin1(b, at, at + 13);
  return byDirection[direction].some((c) => `${c}\r`.startsWith(text)) ? 'need-more' : 'no-match';
};

/** A head read whole: the frame's NUL where its length or its first NUL says, or a key header while it comes. */
const frameVerdict = (b: Uint8Array, head: StompHead): Detection => {
  if (head.badEscape) return 'no-match';
  const end = stompFrameEnd(b, head);
  if (end > 0 && end <= b.length) return b[end - 1] === 0 ? 'match' : 'no-match';
  return keyHeaders[head.command]?.some((h) => head.headers.has(h)) ? 'match' : 'need-more';
};

export const detectStomp = (b: Uint8Array, direction: Direction): Detection => {
  const first = b[0];
  if (first === undefined) return 'need-more';
  const at = first === 0x0a || first === 0x0d ? eolsAt(b, 0) : 0;
  if (at > maxLeadingEols) return 'no-match';
  const command = b[at];
  if (command === undefined || (command === 0x0d && at + 1 === b.length)) return 'need-more';
  if (!firsts[direction].has(command)) return 'no-match';
  if (b.indexOf(0x0a, at) < 0) return commandPrefix(b, at, direction);
  const head = readStompHead(b, at);
  if (head === 'need-more') return 'need-more';
  if (head === 'bad' || !byDirection[direction].includes(head.command)) return 'no-match';
  return frameVerdict(b, head);
};
