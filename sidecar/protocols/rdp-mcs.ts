/**
 * The settings data blocks inside an MCS Connect Initial or Connect Response ([MS-RDPBCGR] §2.2.1.3, §2.2.1.4): an
 * X.224 Data TPDU (`02 F0 80`), then T.125's BER-encoded Connect-Initial ([APPLICATION 101]) or Connect-Response
 * ([APPLICATION 102]) whose last element, an OCTET STRING, holds T.124's GCC Conference Create Request or Response
 * (PER). That PDU's H.221 key (`Duca` from a client, `McDn` from a server) is followed by a PER length and the data
 * blocks, each a TS_UD_HEADER (type and length, little-endian, the length counting the header). Bounded walks only.
 */
import { latin1, u16le } from './wire-bytes.ts';

export type DataBlock = { type: number; body: Uint8Array };

/** The X.224 Data TPDU after the TPKT header: LI 2, code 0xF0, EOT set (X.224 §13.7). */
export const isX224Data = (m: Uint8Array): boolean => m[4] === 2 && m[5] === 0xf0 && m[6] === 0x80;

/** A BER length at `at` (short form, or long form of 1 or 2 octets): [length, next offset], or undefined. */
const berLength = (b: Uint8Array, at: number): readonly [number, number] | undefined => {
  const first = b[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return [first, at + 1];
  if (first === 0x81 && at + 1 < b.length) return [b[at + 1] ?? 0, at + 2];
  if (first === 0x82 && at + 2 < b.length) return [((b[at + 1] ?? 0) << 8) | (b[at + 2] ?? 0), at + 3];
  return undefined;
};

/** The content of the last element of a BER sequence of single-octet tags, when it is an OCTET STRING. */
const lastOctetString = (b: Uint8Array, start: number, end: number): Uint8Array | undefined => {
  let at = start;
  for (let elements = 0; at < end && elements < 16; elements++) {
    const tag = b[at];
    const length = berLength(b, at + 1);
    if (length === undefined || length[1] + length[0] > end) return undefined;
    const next = length[1] + length[0];
    if (next === end) return tag === 0x04 ? b.subarray(length[1], end) : undefined;
    at = next;
  }
  return undefined;
};

/** A PER length (X.691 §10.9: one octet below 0x80, else two with the top bit set): [length, next offset]. */
const perLength = (b: Uint8Array, at: number): readonly [number, number] => {
  const first = b[at] ?? 0;
  return first < 0x80 ? [first, at + 1] : [((first & 0x7f) << 8) | (b[at + 1] ?? 0), at + 2];
};

/** The data blocks after the H.221 key, within the GCC PDU's first 64 octets, and within the PER length. */
const blocksAfterKey = (gcc: Uint8Array, key: string): DataBlock[] => {
  let keyAt = -1;
  for (let i = 0; i + 4 <= Math.min(gcc.length, 64); i++)
    if (latin1(gcc, i, i + 4) === key) {
      keyAt = i;
      break;
    }
  if (keyAt < 0) return [];
  const [declared, start] = perLength(gcc, keyAt + 4);
  const end = Math.min(gcc.length, start + declared);
  const blocks: DataBlock[] = [];
  for (let at = start; at + 4 <= end && blocks.length < 32; ) {
    const length = u16le(gcc, at + 2);
    if (length < 4 || at + length > end) break;
    blocks.push({ type: u16le(gcc, at), body: gcc.subarray(at, at + length) });
    at += length;
  }
  return blocks;
};

/**
 * The data blocks of a whole TPKT message holding an MCS Connect Initial (`application` 101, H.221 key `Duca`) or
 * Connect Response (102, `McDn`); undefined when the message is not that PDU.
 */
export const mcsConnectBlocks = (m: Uint8Array, application: 101 | 102): DataBlock[] | undefined => {
  if (!isX224Data(m) || m[7] !== 0x7f || m[8] !== application) return undefined;
  const length = berLength(m, 9);
  if (length === undefined) return undefined;
  const end = Math.min(m.length, length[1] + length[0]);
  const gcc = lastOctetString(m, length[1], end);
  if (gcc === undefined) return undefined;
  return blocksAfterKey(gcc, application === 101 ? 'Duca' : 'McDn');
};
