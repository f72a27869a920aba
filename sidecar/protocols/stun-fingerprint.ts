/**
 * STUN's FINGERPRINT (RFC 8489 §14.7): the CRC-32 of the message before the attribute (ISO HDLC, as in zlib and
 * Ethernet), XOR'd with 0x5354554E. Node 20's zlib has no crc32, so the table is built here once.
 */
import { u32be } from './wire-bytes.ts';

const table = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  table[n] = c >>> 0;
}

export const crc32 = (bytes: Uint8Array): number => {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++)
    crc = (table[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
};

const xorValue = 0x5354554e;

/** True when `value` (the FINGERPRINT attribute's, a view into `message`) is the CRC of what precedes it. */
export const stunFingerprintHolds = (message: Uint8Array, value: Uint8Array): boolean => {
  const start = value.byteOffset - message.byteOffset - 4;
  if (value.length !== 4 || start < 20 || value.buffer !== message.buffer) return false;
  return (crc32(message.subarray(0, start)) ^ xorValue) >>> 0 === u32be(value, 0);
};
