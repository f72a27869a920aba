/**
 * A THeader frame's payload as its protocol reads it: the octets after the header, or, when the sender's only
 * transform is zlib (THeaderTransport's ZLIB_TRANSFORM, which fbthrift, Finagle and Apache Thrift's own libraries
 * write), those octets inflated. A payload is read to `maxInflated`; one that inflates past it is read from the
 * first `boundedInput` compressed octets only, which always hold the message header (name and seqid) and cannot
 * inflate past the bound (deflate's largest ratio is 1032 to 1). Snappy, QuickLZ and zstd are not read.
 */
import { constants, inflateSync } from 'node:zlib';
import { type THeaderFrame, zlibTransform } from './thrift-detect.ts';

/** What a compressed payload is inflated to at most. */
export const maxInflated = 64 * 1024;
const boundedInput = Math.floor(maxInflated / 1032);
const options = { maxOutputLength: maxInflated, finishFlush: constants.Z_SYNC_FLUSH };

const inflated = (compressed: Uint8Array): Uint8Array | undefined => {
  try {
    return inflateSync(compressed, options);
  } catch (error) {
    // Past the bound Node throws a RangeError; a corrupt stream throws a zlib error and stays unread.
    if (!(error instanceof RangeError)) return undefined;
  }
  try {
    return inflateSync(compressed.subarray(0, boundedInput), options);
  } catch {
    return undefined;
  }
};

/** The payload to read, and `zlib` when it was inflated; undefined under any other transform or a corrupt stream. */
export const theaderPayload = (
  m: Uint8Array,
  frame: THeaderFrame,
): { bytes: Uint8Array; transform: '' | ' zlib' } | undefined => {
  const raw = m.subarray(frame.payload);
  if (frame.transforms.length === 0) return { bytes: raw, transform: '' };
  if (frame.transforms.some((id) => id !== zlibTransform)) return undefined;
  let bytes: Uint8Array | undefined = raw;
  // Each zlib transform was applied in turn; a sender that names it twice compressed twice.
  for (let i = 0; i < frame.transforms.length && bytes !== undefined; i += 1) bytes = inflated(bytes);
  return bytes === undefined ? undefined : { bytes, transform: ' zlib' };
};
