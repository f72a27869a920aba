/**
 * A THeader frame's payload as its protocol reads it: the octets after the header, or, when the sender's only
 * transform is zlib (THeaderTransport's ZLIB_TRANSFORM, which fbthrift, Finagle and Apache Thrift's own libraries
 * write), those octets inflated. A payload is read to `maxInflated`; one that inflates past it is read as far as
 * a prefix of its compressed octets goes (`inflateBounded`), which holds the message header (name and seqid).
 * Snappy, QuickLZ and zstd are not read.
 */
import { inflateBounded } from './bounded-inflate.ts';
import { type THeaderFrame, zlibTransform } from './thrift-detect.ts';

/** What a compressed payload is inflated to at most. */
export const maxInflated = 64 * 1024;

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
  for (let i = 0; i < frame.transforms.length && bytes !== undefined; i += 1)
    bytes = inflateBounded(bytes, maxInflated);
  return bytes === undefined ? undefined : { bytes, transform: ' zlib' };
};
