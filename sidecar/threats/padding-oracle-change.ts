/**
 * How one token differs from the one its client sent before (same length): whether every changed octet lies inside
 * one cipher block, which block, and the octet when only one changed. A padding oracle attack (Vaudenay 2002) changes
 * one block of an otherwise constant token, one octet at a time: it tries the values of one octet until the server
 * stops refusing the padding, then moves one octet to the left (rewriting those to its right for the next padding).
 */
export type TokenChange = {
  /** The block all changes lie in (16-octet blocks; 8-octet ones for a 64-bit cipher), or -1 when they spread wider. */
  block: number;
  /** The block size that holds them: 16, or 8 when only 8-octet alignment does. */
  blockSize: 16 | 8;
  /** The one octet that changed, or -1 when more did (or none). */
  octet: number;
};

/** The change from `before` to `after` (the same length), undefined when nothing changed. */
export const tokenChange = (before: Uint8Array, after: Uint8Array): TokenChange | undefined => {
  let first = -1;
  let last = -1;
  for (let i = 0; i < after.length; i++) {
    if (before[i] === after[i]) continue;
    if (first < 0) first = i;
    last = i;
  }
  if (first < 0) return undefined;
  const octet = first === last ? first : -1;
  if (first >> 4 === last >> 4) return { block: first >> 4, blockSize: 16, octet };
  if (first >> 3 === last >> 3) return { block: first >> 3, blockSize: 8, octet };
  return { block: -1, blockSize: 16, octet };
};
