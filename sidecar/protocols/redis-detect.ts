/** Redis detection from the client's first bytes: a RESP array whose first bulk string is a command, or an inline command. */
import type { Direction } from '../events.ts';
import type { Detection } from './protocol.ts';
import { ambiguousInline, redisCommands } from './redis-commands.ts';
import { lineEnd, respInteger } from './redis-resp.ts';
import { isPrintable, latin1 } from './wire-bytes.ts';

const commandName = /^[A-Za-z][A-Za-z_.|-]{0,39}$/;

/** The bulk string `$L\r\n<name>\r\n` at `at`: the first element of a command array. */
const detectName = (b: Uint8Array, at: number): Detection => {
  const lf = lineEnd(b, at, 8);
  const head = latin1(b, at, at + 8);
  if (lf < 0) return b.length - at < 8 && /^(\$\d*\r?)?$/.test(head) ? 'need-more' : 'no-match';
  const length = respInteger(b, at + 1, lf - 1);
  if (b[at] !== 0x24 || b[lf - 1] !== 0x0d || !(length >= 1 && length <= 40)) return 'no-match';
  const start = lf + 1;
  const name = latin1(b, start, start + length);
  if (b.length < start + length + 2)
    return commandName.test(name) || name.length === 0 ? 'need-more' : 'no-match';
  const crlf = b[start + length] === 0x0d && b[start + length + 1] === 0x0a;
  return crlf && commandName.test(name) ? 'match' : 'no-match';
};

/** `*N\r\n$L\r\n<name>\r\n`, N ≥ 1, the name a command-like word (module commands too, like FT.SEARCH). */
const detectArray = (b: Uint8Array): Detection => {
  const first = lineEnd(b, 0, 16);
  if (first < 0) return b.length < 16 && /^\*\d*\r?$/.test(latin1(b)) ? 'need-more' : 'no-match';
  const count = respInteger(b, 1, first - 1);
  if (b[first - 1] !== 0x0d || !(count >= 1 && count <= 1_000_000)) return 'no-match';
  return detectName(b, first + 1);
};

const commandList = [...redisCommands];
const isLetter = (x: number | undefined): boolean =>
  x !== undefined && ((x >= 0x41 && x <= 0x5a) || (x >= 0x61 && x <= 0x7a));

const detectInlineWord = (b: Uint8Array): Detection => {
  const lf = lineEnd(b, 0, 4096);
  const line = latin1(b, 0, lf < 0 ? Math.min(b.length, 64) : lf);
  const word = /^[A-Za-z]+/.exec(line)?.[0] ?? '';
  const upper = word.toUpperCase();
  const known = redisCommands.has(upper) && !ambiguousInline.has(upper);
  if (lf < 0) {
    if (b.length >= 4096) return 'no-match';
    const couldGrow = word.length === line.length && commandList.some((c) => c.startsWith(upper));
    return (known || couldGrow) && isPrintable(b, 0, b.length) ? 'need-more' : 'no-match';
  }
  const end = b[lf - 1] === 0x0d ? lf - 1 : lf;
  const delimited = word.length === end || line[word.length] === ' ';
  return known && delimited && isPrintable(b, 0, end) ? 'match' : 'no-match';
};

/** An inline command: a known, unambiguous command name, then a space or the end of a printable line. */
const detectInline = (b: Uint8Array): Detection =>
  // No leading letter: no command word, and the line cannot grow into one.
  isLetter(b[0]) ? detectInlineWord(b) : 'no-match';

export const detectRedis = (b: Uint8Array, direction: Direction): Detection => {
  if (direction === 'to-client') return 'no-match';
  if (b.length === 0) return 'need-more';
  return b[0] === 0x2a ? detectArray(b) : detectInline(b);
};
