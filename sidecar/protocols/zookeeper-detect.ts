/** ZooKeeper detection: the session handshake (ConnectRequest/ConnectResponse) or a four-letter admin word. */
import type { Direction } from '../events.ts';
import type { Detection } from './protocol.ts';
import { i32be, latin1, startsWithAscii } from './wire-bytes.ts';

/** Four-letter words (ZooKeeper Administrator's Guide, "The Four Letter Words"). */
export const fourLetterWords = new Set(
  'ruok stat srvr mntr conf cons crst dump envi reqs wchs wchc wchp dirs isro gtmk stmk srst'.split(' '),
);
/** Words that are also the start of another protocol's command (memcached "stats"): wait for the server's answer. */
const prefixesOfOthers = new Set(['stat']);

/** First bytes of four-letter-word answers. */
const answers = [
  'imok',
  'Zookeeper version: ',
  'zk_version\t',
  'clientPort=',
  'Environment:\n',
  'This ZooKeeper instance is not currently serving requests',
];

/** The length (`base`, or `base` + 1 with readOnly) then protocolVersion 0, octet by octet as far as they go. */
const headerPrefixOk = (b: Uint8Array, base: number): boolean => {
  for (let i = 0; i < Math.min(b.length, 8); i += 1) {
    const x = b[i];
    if (!(i === 3 ? x === base || x === base + 1 : x === 0)) return false;
  }
  return true;
};

/**
 * ConnectRequest (jute: zookeeper.jute): int len, int protocolVersion 0, long lastZxidSeen, int timeOut,
 * long sessionId, buffer passwd (16 bytes), [bool readOnly]. ConnectResponse: len, protocolVersion 0, timeOut,
 * sessionId, passwd, [readOnly].
 */
const handshake = (b: Uint8Array, direction: Direction): Detection => {
  const base = direction === 'to-server' ? 44 : 36;
  if (!headerPrefixOk(b, base)) return 'no-match';
  const length = (b[3] ?? 0) + 4;
  if (b.length < length) return 'need-more';
  const timeout = i32be(b, direction === 'to-server' ? 16 : 8);
  const passwordLength = i32be(b, direction === 'to-server' ? 28 : 20);
  const readOnly = length === base + 5 ? (b[length - 1] ?? 2) <= 1 : true;
  return timeout > 0 && timeout <= 3_600_000 && passwordLength === 16 && readOnly ? 'match' : 'no-match';
};

const wordList = [...fourLetterWords];
const wordFirst = new Set(wordList.map((w) => w.charCodeAt(0)));

/** A four-letter word alone, or followed by a newline (`echo ruok | nc`). */
const word = (b: Uint8Array): Detection => {
  if (!wordFirst.has(b[0] ?? -1)) return 'no-match';
  const head = latin1(b, 0, 6);
  if (b.length < 4) return wordList.some((w) => w.startsWith(head)) ? 'need-more' : 'no-match';
  const candidate = head.slice(0, 4);
  if (!fourLetterWords.has(candidate)) return 'no-match';
  const rest = head.slice(4);
  if (rest === '') return prefixesOfOthers.has(candidate) ? 'need-more' : 'match';
  return (rest === '\n' || rest === '\r\n' || rest === '\r') && b.length === 4 + rest.length
    ? 'match'
    : 'no-match';
};

const answer = (b: Uint8Array): Detection => {
  if (answers.some((a) => startsWithAscii(b, a))) return 'match';
  return answers.some((a) => b.length < a.length && startsWithAscii(b, a, true)) ? 'need-more' : 'no-match';
};

export const detectZookeeper = (b: Uint8Array, direction: Direction): Detection => {
  if (b.length === 0) return 'need-more';
  if (b[0] === 0) return handshake(b, direction);
  return direction === 'to-server' ? word(b) : answer(b);
};
