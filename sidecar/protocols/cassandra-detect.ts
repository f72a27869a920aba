/** Cassandra detection: a CQL native protocol frame with a body consistent with its opcode, or the internode magic. */
import type { Direction } from '../events.ts';
import { cqlHeader, cqlHeaderSize, stringMapEnd } from './cassandra-frame.ts';
import type { Detection } from './protocol.ts';
import { isPrintable, u32be } from './wire-bytes.ts';

/** Internode messaging starts with PROTOCOL_MAGIC 0xCA552DFA (Cassandra's MessagingService). */
const internodeMagic = [0xca, 0x55, 0x2d, 0xfa];

/** Whole-body checks for the opcodes that open a connection or carry text. */
const bodyFits = (b: Uint8Array, opcode: number, response: boolean, end: number): boolean => {
  const at = cqlHeaderSize;
  if (!response && opcode === 5) return end === at; // OPTIONS has an empty body
  if (response && opcode === 2) return end === at; // READY too
  if (!response && opcode === 1) return stringMapEnd(b, at, end, false) === end; // STARTUP: [string map]
  if (response && opcode === 6) return stringMapEnd(b, at, end, true) === end; // SUPPORTED: [string multimap]
  if (!response && (opcode === 7 || opcode === 9)) {
    const n = u32be(b, at); // QUERY / PREPARE: [long string] query first
    return at + 4 + n <= end && isPrintable(b, at + 4, at + 4 + n, true);
  }
  return true;
};

const prefixPlausible = (b: Uint8Array, direction: Direction): boolean => {
  const version = (b[0] ?? 0) & 0x7f;
  const response = ((b[0] ?? 0) & 0x80) !== 0;
  return (
    version >= 3 &&
    version <= 5 &&
    response === (direction === 'to-client') &&
    (b.length < 2 || ((b[1] ?? 0) & 0xe0) === 0)
  );
};

const detectInternode = (b: Uint8Array): Detection => {
  const n = Math.min(4, b.length);
  if (!b.subarray(0, n).every((x, i) => x === internodeMagic[i])) return 'no-match';
  return n === 4 ? 'match' : 'need-more';
};

export const detectCassandra = (b: Uint8Array, direction: Direction): Detection => {
  if (b.length === 0) return 'need-more';
  if (b[0] === 0xca && direction === 'to-server') return detectInternode(b);
  if (b.length < cqlHeaderSize) return prefixPlausible(b, direction) ? 'need-more' : 'no-match';
  const header = cqlHeader(b);
  if (!header || header.response !== (direction === 'to-client')) return 'no-match';
  const end = cqlHeaderSize + header.length;
  if (header.length > 4096) return 'no-match';
  if (b.length < end) return 'need-more';
  // A compressed body cannot be checked; only STARTUP/OPTIONS/READY/SUPPORTED open a connection uncompressed.
  if ((header.flags & 1) !== 0) return 'no-match';
  return bodyFits(b, header.opcode, header.response, end) ? 'match' : 'no-match';
};
