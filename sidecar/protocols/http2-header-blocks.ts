/** HTTP/2 header blocks (RFC 9113 §4.3): HEADERS, PUSH_PROMISE and CONTINUATION frames, decoded into messages. */
import type { Header, ProtocolEvent } from '../events.ts';
import { isForwardingName } from './http-forwarded.ts';
import { type Http2Connection, peerOf, streamError } from './http2-connection.ts';
import { expansionOctets, maxHeaderBlock } from './http2-control.ts';
import { type FrameHeader, frameFlag, frameType, headerFragment } from './http2-frame.ts';
import { http2GrpcCall } from './http2-grpc.ts';
import { control, type OpenBlock, type Side } from './http2-side.ts';
import { clientStreamError } from './http2-stream-errors.ts';
import { http2RequestRef } from './http2-streams.ts';

/** Trailer fields kept per message (gRPC sends two or three). */
const maxTrailers = 16;

/** The trailers a message keeps: the first `maxTrailers`, no forwarding header among them. */
const trailersOf = (headers: readonly Header[]): Header[] =>
  headers.slice(0, maxTrailers).filter((header) => !isForwardingName(header[0]));

/** A new request (maybe a gRPC call) or a final response, which completes the request it answers. */
const openMessage = (
  conn: Http2Connection,
  side: Side,
  streamId: number,
  headers: Header[],
  ts: number,
  out: ProtocolEvent[],
): boolean => {
  if (side.direction === 'to-client') {
    const status = headers.find((h) => h[0] === ':status')?.[1] ?? '';
    if (status.startsWith('1')) return false;
    peerOf(conn, side).messages.flush(streamId, ts, out, true);
    side.messages.open(streamId, headers, ts, out, conn.awaiting.take(streamId));
    return true;
  }
  // Not a request's trailers (it has no open message): a header block on a stream the client has ended.
  if (conn.errors.afterEnd(streamId)) streamError(conn, side, 'HEADERS after END_STREAM', ts, out);
  else conn.streams += 1;
  conn.errors.opened(streamId);
  // One scan for the forwarding headers, which the call and the response's request share.
  const request = http2RequestRef(headers);
  const call = http2GrpcCall(headers, streamId, ts, request.forwarding);
  if (call) out.push(call);
  conn.awaiting.remember(streamId, request);
  side.messages.open(streamId, headers, ts, out);
  return true;
};

/** A complete header block, decoded (always, to keep HPACK state; undefined when malformed): open, trail or ignore. */
const onHeaderBlock = (
  conn: Http2Connection,
  side: Side,
  block: OpenBlock,
  headers: Header[] | undefined,
  ts: number,
  out: ProtocolEvent[],
): void => {
  if (headers === undefined) {
    side.stopped = true;
    return;
  }
  if (side.hpack.listSize >= expansionOctets)
    control(side).expansion(block.size, side.hpack.listSize, ts, conn.streams, out);
  if (block.push) return;
  const open = side.messages.get(block.streamId);
  if (open === undefined && !openMessage(conn, side, block.streamId, headers, ts, out)) return;
  // Trailers (RFC 9113 §8.1): a gRPC answer's status comes here, so they join the message's headers; forwarding
  // headers do not (RFC 9110 §6.5.1): a proxy writes the header section, a client's trailer would be read after it.
  if (open !== undefined && !open.emitted) open.headers.push(...trailersOf(headers));
  if (!block.endStream) return;
  if (side.direction === 'to-server') conn.errors.ended(block.streamId);
  side.messages.flush(block.streamId, ts, out, true);
};

/** The block a HEADERS or PUSH_PROMISE frame opens with `octets`; undefined on stream 0 (RFC 9113 §6.2). */
export const newBlock = (header: FrameHeader, octets: number, ts: number): OpenBlock | undefined =>
  header.streamId === 0
    ? undefined
    : {
        streamId: header.streamId,
        push: header.type === frameType.pushPromise,
        endStream: header.type === frameType.headers && (header.flags & frameFlag.endStream) !== 0,
        size: octets,
        frames: 0,
        since: ts,
      };

export const onHeadersFrame = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  payload: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): void => {
  if (header.flags & frameFlag.priority && side.direction === 'to-server')
    streamError(conn, side, clientStreamError(header, payload), ts, out);
  const fragment = headerFragment(header, payload);
  const block = fragment && newBlock(header, fragment.length, ts);
  if (fragment === undefined || block === undefined) {
    side.stopped = true;
    return;
  }
  // A whole block in one frame (the usual case) is decoded in place; one in CONTINUATION frames piece by piece.
  if (header.flags & frameFlag.endHeaders)
    onHeaderBlock(conn, side, block, side.hpack.decode(fragment), ts, out);
  else {
    side.hpack.begin();
    side.block = block;
    if (!side.hpack.feed(fragment)) side.stopped = true;
  }
};

/** The open block grown by a CONTINUATION frame of `octets`; undefined when it does not continue it or is too long. */
export const growBlock = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  octets: number,
  ts: number,
  out: ProtocolEvent[],
): OpenBlock | undefined => {
  const block = side.block;
  if (block === undefined || block.streamId !== header.streamId) return undefined;
  block.frames += 1;
  if (octets === 0 && (header.flags & frameFlag.endHeaders) === 0)
    control(side).count('empty-frames', ts, conn.streams, out);
  control(side).continuation(block.frames, block.size + octets, block.since, ts, conn.streams, out);
  block.size += octets;
  return block.size > maxHeaderBlock ? undefined : block;
};

/** The open block is complete: decoded and handled. */
export const endBlock = (
  conn: Http2Connection,
  side: Side,
  block: OpenBlock,
  ts: number,
  out: ProtocolEvent[],
): void => {
  side.block = undefined;
  onHeaderBlock(conn, side, block, side.hpack.finish(), ts, out);
};

export const onContinuation = (
  conn: Http2Connection,
  side: Side,
  header: FrameHeader,
  payload: Uint8Array,
  ts: number,
  out: ProtocolEvent[],
): void => {
  const block = growBlock(conn, side, header, payload.length, ts, out);
  if (block === undefined || !side.hpack.feed(payload)) side.stopped = true;
  else if (header.flags & frameFlag.endHeaders) endBlock(conn, side, block, ts, out);
};
