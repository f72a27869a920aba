/**
 * A zlib stream inflated to a bound, keeping what fits: Node's synchronous inflate throws a RangeError past
 * `maxOutputLength` and gives none of its output, so a stream that inflates past the bound (a large body, or a bomb)
 * is inflated again from ever shorter prefixes of its compressed octets (a quarter each time) until one fits. The
 * first octets of what it holds, a message header or a serialized stream's first class names, are what is read.
 * A corrupt stream, or one whose shortest prefix gives nothing, is undefined.
 */
import { constants, inflateSync } from 'node:zlib';

const shortest = 64;

/** RFC 1950: a zlib stream starts with CM 8 and a header whose 16-bit value is a multiple of 31. */
export const zlibHeaderAt = (b: Uint8Array, at = 0): boolean =>
  b.length >= at + 2 && ((b[at] ?? 0) & 0x0f) === 8 && (((b[at] ?? 0) << 8) | (b[at + 1] ?? 0)) % 31 === 0;

export const inflateBounded = (compressed: Uint8Array, maxOutput: number): Uint8Array | undefined => {
  const options = { maxOutputLength: maxOutput, finishFlush: constants.Z_SYNC_FLUSH };
  for (
    let length = compressed.length;
    length > 0;
    length = length > shortest ? Math.max(shortest, length >> 2) : 0
  ) {
    try {
      const out = inflateSync(compressed.subarray(0, length), options);
      return out.length === 0 ? undefined : out;
    } catch (error) {
      // Past the bound: a shorter prefix; anything else is not a zlib stream.
      if (!(error instanceof RangeError)) return undefined;
    }
  }
  return undefined;
};
