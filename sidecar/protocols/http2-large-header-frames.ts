/**
 * HTTP/2 header frames past `maxBufferedFrame` (http2-side.ts): not buffered whole but fed to HPACK as their octets
 * come, so a block of up to 1 MiB (http2-control.ts `maxHeaderBlock`) keeps HPACK's table followed.
 */
import type { ProtocolEvent } from '../events.ts';
import type { Http2Connection } from './http2-connection.ts';
import { maxHeaderBlock } from './http2-control.ts';
import { type FrameHeader, frameFlag, frameHeaderLength, frameType } from './http2-frame.ts';
import { endBlock, growBlock, newBlock } from './http2-header-blocks.ts';
import { control, type LargeFrame, type Side } from './http2-side.ts';

/** HEADERS, PUSH_PROMISE and CONTINUATION frames carry a header block fragment (RFC 9113 §4.3). */
export const carriesBlock = (header: FrameHeader): boolean =>
  header.type === frameType.headers ||
  header.type === frameType.pushPromise ||
  header.type === frameType.continuation;

/** Opens or grows the block of a header frame too large to buffer, with `octets` of fragment; false to stop. */
const openLarge = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  octets: number,
  ts: number,
  out: ProtocolEvent[],
): boolean => {
  if (header.type === frameType.continuation)
    return growBlock(conn, side, header, octets, ts, out) !== undefined;
  const block = side.block === undefined ? newBlock(header, octets, ts) : undefined;
  if (block === undefined) return false;
  if (octets > maxHeaderBlock) {
    control(side).continuation(0, octets, ts, ts, conn.streams, out);
    return false;
  }
  side.hpack.begin();
  side.block = block;
  return true;
};

/** Starts a header frame past `maxBufferedFrame` from its frame header (and pad length): its payload comes next. */
export const startLarge = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  bytes: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): Uint8Array => {
  const padded = (header.flags & frameFlag.padded) !== 0;
  const priority = header.type === frameType.headers && (header.flags & frameFlag.priority) !== 0;
  const start = (padded ? 1 : 0) + (header.type === frameType.pushPromise ? 4 : priority ? 5 : 0);
  const end = header.length - (padded ? (bytes[frameHeaderLength] ?? 0) : 0);
  if (end < start || !openLarge(conn, side, header, end - start, ts, out)) {
    side.stopped = true;
    return bytes;
  }
  side.large = { header, at: 0, start, end };
  return bytes.subarray(frameHeaderLength);
};

/** The next octets of a large header frame: its fragment's to HPACK, its end ends the block at END_HEADERS. */
export const takeLarge = (
  conn: Http2Connection,
  side: Side,
  large: LargeFrame,
  bytes: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): Uint8Array => {
  const n = Math.min(bytes.length, large.header.length - large.at);
  const from = Math.max(large.start, large.at);
  const to = Math.min(large.end, large.at + n);
  if (to > from && !side.hpack.feed(bytes.subarray(from - large.at, to - large.at))) side.stopped = true;
  large.at += n;
  if (large.at < large.header.length) return bytes.subarray(n);
  side.large = undefined;
  const block = side.block;
  if (!side.stopped && block !== undefined && large.header.flags & frameFlag.endHeaders)
    endBlock(conn, side, block, ts, out);
  return bytes.subarray(n);
};
