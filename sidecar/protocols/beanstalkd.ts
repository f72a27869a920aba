/**
 * beanstalkd, the work queue (`beanstalkd`): identified by a client's first line, one of the commands only beanstalkd
 * takes (`put <pri> <delay> <ttr> <bytes>`, `use`, `watch`, `reserve`, `peek-ready`, …) in its exact syntax, or by a
 * server's reply only beanstalkd sends (`INSERTED <id>`, `USING <tube>`, `RESERVED <id> <bytes>`, `OK <bytes>` and
 * YAML, …). Lines memcached shares (`delete <id>`, `touch <id>`, `stats`; `DELETED`, `NOT_FOUND`) are left to it.
 * Job bodies go to insecure-deserialization (beanstalkd-parser.ts).
 */
import type { Direction } from '../events.ts';
import { createBeanstalkdParser } from './beanstalkd-parser.ts';
import {
  beanstalkdCommandWords,
  beanstalkdReplyWords,
  isOwnCommand,
  isOwnReply,
  maxBeanstalkdLine,
} from './beanstalkd-syntax.ts';
import type { Detection, Protocol } from './protocol.ts';
import { isPrintable, latin1 } from './wire-bytes.ts';

const firstOctets = (words: readonly string[]): Uint8Array => {
  const allowed = new Uint8Array(256);
  for (const word of words) allowed[word.charCodeAt(0)] = 1;
  return allowed;
};
const commandFirst = firstOctets(beanstalkdCommandWords);
const replyFirst = firstOctets(beanstalkdReplyWords);

/** An unfinished line: need-more while its first word is, or can still become, one of `words`. */
const unfinished = (b: Uint8Array, words: readonly string[]): Detection => {
  const end = b[b.length - 1] === 0x0d ? b.length - 1 : b.length;
  if (b.length >= maxBeanstalkdLine || !isPrintable(b, 0, end)) return 'no-match';
  const text = latin1(b, 0, end);
  const space = text.indexOf(' ');
  const word = space < 0 ? text : text.slice(0, space);
  const could = space < 0 ? words.some((w) => w.startsWith(word)) : words.includes(word);
  return could ? 'need-more' : 'no-match';
};

/** The OK reply's YAML: `---` opens the body (a stats or list answer). */
const yamlFollows = (b: Uint8Array, from: number): Detection => {
  for (let i = 0; i < 3; i++) {
    if (from + i >= b.length) return 'need-more';
    if (b[from + i] !== 0x2d) return 'no-match';
  }
  return 'match';
};

/** A whole first line (LF at `lf`): CRLF-ended, printable, one of the side's own lines. */
const wholeLine = (b: Uint8Array, lf: number, toServer: boolean): Detection => {
  if (lf === 0 || b[lf - 1] !== 0x0d || !isPrintable(b, 0, lf - 1)) return 'no-match';
  const tokens = latin1(b, 0, lf - 1).split(' ');
  if (!(toServer ? isOwnCommand(tokens) : isOwnReply(tokens))) return 'no-match';
  return tokens[0] === 'OK' ? yamlFollows(b, lf + 1) : 'match';
};

const detectBeanstalkd = (b: Uint8Array, direction: Direction): Detection => {
  if (b.length === 0) return 'need-more';
  const toServer = direction === 'to-server';
  if ((toServer ? commandFirst : replyFirst)[b[0] ?? 0] !== 1) return 'no-match';
  const lf = b.subarray(0, maxBeanstalkdLine).indexOf(0x0a);
  if (lf >= 0) return wholeLine(b, lf, toServer);
  return unfinished(b, toServer ? beanstalkdCommandWords : beanstalkdReplyWords);
};

export const beanstalkd: Protocol = {
  id: 'beanstalkd',
  transport: 'tcp',
  ports: [11300],
  encrypted: false,
  detect: detectBeanstalkd,
  createParser: createBeanstalkdParser,
};
