/** The one bounds-checked reader: big- and little-endian integer reads that return -1 out of range, never undefined. */

export const u8 = (bytes: Uint8Array, offset: number): number =>
  offset >= 0 && offset < bytes.length ? (bytes[offset] as number) : -1;

export const u16 = (bytes: Uint8Array, offset: number): number =>
  offset >= 0 && offset + 2 <= bytes.length
    ? ((bytes[offset] as number) << 8) | (bytes[offset + 1] as number)
    : -1;

export const u32 = (bytes: Uint8Array, offset: number): number =>
  offset >= 0 && offset + 4 <= bytes.length
    ? (bytes[offset] as number) * 0x1000000 +
      (((bytes[offset + 1] as number) << 16) |
        ((bytes[offset + 2] as number) << 8) |
        (bytes[offset + 3] as number))
    : -1;

export const u16le = (bytes: Uint8Array, offset: number): number =>
  offset >= 0 && offset + 2 <= bytes.length
    ? (bytes[offset] as number) | ((bytes[offset + 1] as number) << 8)
    : -1;

export const u32le = (bytes: Uint8Array, offset: number): number =>
  offset >= 0 && offset + 4 <= bytes.length
    ? (bytes[offset + 3] as number) * 0x1000000 +
      (((bytes[offset + 2] as number) << 16) |
        ((bytes[offset + 1] as number) << 8) |
        (bytes[offset] as number))
    : -1;

/** Lowercase hex of at most `max` bytes, for evidence and messages. */
export const toHex = (bytes: Uint8Array, max = bytes.length): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, Math.max(0, max))).toString('hex');
