/** memcached binary protocol (the memcached "Binary Protocol Revamped" spec): the 24-octet header. */
import type { Detection } from './protocol.ts';

export const memcachedHeaderLength = 24;

/** Opcode → name, and the extras length a request carries (§4: Get 0, Set 8, Incr 20, Touch 4, …). */
const opcodes: Readonly<Record<number, readonly [string, number | undefined]>> = {
  0: ['get', 0],
  1: ['set', 8],
  2: ['add', 8],
  3: ['replace', 8],
  4: ['delete', 0],
  5: ['incr', 20],
  6: ['decr', 20],
  7: ['quit', 0],
  8: ['flush', undefined],
  9: ['getq', 0],
  10: ['noop', 0],
  11: ['version', 0],
  12: ['getk', 0],
  13: ['getkq', 0],
  14: ['append', 0],
  15: ['prepend', 0],
  16: ['stat', 0],
  17: ['setq', 8],
  18: ['addq', 8],
  19: ['replaceq', 8],
  20: ['deleteq', 0],
  21: ['incrq', 20],
  22: ['decrq', 20],
  23: ['quitq', 0],
  24: ['flushq', undefined],
  25: ['appendq', 0],
  26: ['prependq', 0],
  27: ['verbosity', 4],
  28: ['touch', 4],
  29: ['gat', 4],
  30: ['gatq', 4],
  32: ['sasl-list-mechs', 0],
  33: ['sasl-auth', 0],
  34: ['sasl-step', 0],
};

/** Response status values (§3.2). */
const statuses = new Set([
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x20, 0x21, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
]);
/** Largest body we believe (default item size limit 1 MiB, plus key and extras). */
const maxBody = 1024 * 1024 + 1024;

export type MemcachedBinaryHeader = {
  magic: number;
  opcode: number;
  keyLength: number;
  extrasLength: number;
  status: number;
  bodyLength: number;
};

export const readMemcachedHeader = (b: Uint8Array): MemcachedBinaryHeader => ({
  magic: b[0] ?? 0,
  opcode: b[1] ?? 0,
  keyLength: ((b[2] ?? 0) << 8) | (b[3] ?? 0),
  extrasLength: b[4] ?? 0,
  status: ((b[6] ?? 0) << 8) | (b[7] ?? 0),
  bodyLength: (b[8] ?? 0) * 2 ** 24 + ((b[9] ?? 0) << 16) + ((b[10] ?? 0) << 8) + (b[11] ?? 0),
});

export const memcachedOpcodeName = (opcode: number): string =>
  opcodes[opcode]?.[0] ?? `0x${opcode.toString(16).padStart(2, '0')}`;

/** Magic, known opcode, raw data type 0, key ≤ 250, request extras as the opcode defines, lengths consistent. */
const consistentHeader = (h: MemcachedBinaryHeader, request: boolean, dataType: number): boolean => {
  const known = opcodes[h.opcode];
  if (known === undefined || dataType !== 0 || h.keyLength > 250) return false;
  if (h.extrasLength + h.keyLength > h.bodyLength || h.bodyLength > maxBody) return false;
  if (!request) return statuses.has(h.status);
  return known[1] === undefined ? h.extrasLength <= 4 : h.extrasLength === known[1];
};

export const detectMemcachedBinary = (b: Uint8Array, request: boolean): Detection => {
  if (b.length === 0) return 'need-more';
  if (b[0] !== (request ? 0x80 : 0x81)) return 'no-match';
  if (b.length > 1 && opcodes[b[1] ?? 0] === undefined) return 'no-match';
  if (b.length > 5 && b[5] !== 0) return 'no-match';
  if (b.length < memcachedHeaderLength) return 'need-more';
  return consistentHeader(readMemcachedHeader(b), request, b[5] ?? 0) ? 'match' : 'no-match';
};
