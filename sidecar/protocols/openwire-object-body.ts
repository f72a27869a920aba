/**
 * An ActiveMQObjectMessage's serialized body, as a consumer's getObject() would read it: from the first `AC ED 00 05`
 * in its frame (the fields before it are ids, the destination and headers), or, when the producer's connection
 * compressed its messages (`useCompression`: ActiveMQObjectMessage.storeContent wraps the stream in a
 * DeflaterOutputStream), from a zlib stream in the frame that inflates to one. A copy either way: the frame's memory
 * is the caller's. Inflated to 64 KiB at most (`inflateBounded`: past it, the stream's first class names).
 */
import { inflateBounded, zlibHeaderAt } from './bounded-inflate.ts';
import { opensStream } from './java-rmi-call.ts';

const maxInflated = 64 * 1024;
/** zlib streams tried in one frame at most: the body is one field, near the frame's end. */
const maxCandidates = 8;

const plainBody = (frame: Uint8Array): Uint8Array | undefined => {
  for (let at = frame.indexOf(0xac); at >= 0; at = frame.indexOf(0xac, at + 1))
    // Uint8Array's slice copies; a Buffer's own `slice` would be a view of memory the caller reuses.
    if (opensStream(frame, at)) return Uint8Array.prototype.slice.call(frame, at);
  return undefined;
};

const compressedBody = (frame: Uint8Array): Uint8Array | undefined => {
  let tried = 0;
  for (let at = frame.indexOf(0x78); at >= 0 && tried < maxCandidates; at = frame.indexOf(0x78, at + 1)) {
    // Every candidate starts 0x78 (CM 8, a 32 KiB window), as Java's Deflater writes.
    if (!zlibHeaderAt(frame, at)) continue;
    tried += 1;
    const body = inflateBounded(frame.subarray(at), maxInflated);
    if (body !== undefined && opensStream(body, 0)) return body;
  }
  return undefined;
};

/** The serialized object an object message's frame carries, plain or compressed; undefined when it has none. */
export const objectBody = (frame: Uint8Array): Uint8Array | undefined =>
  plainBody(frame) ?? compressedBody(frame);
