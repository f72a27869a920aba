/** An HTTP/2 connection seen from the wire: preface, frames, HPACK per direction, streams → events. */
import type { Direction, Header, HttpRequestRef, ProtocolEvent } from '../events.ts';
import { createHpackDecoder, type HpackDecoder } from './hpack-decoder.ts';
import { isForwardingName } from './http-forwarded.ts';
import { expansionOctets, Http2Control, maxHeaderBlock } from './http2-control.ts';
import {
  type FrameHeader,
  frameFlag,
  frameHeaderLength,
  frameType,
  headerFragment,
  readFrameHeader,
  unpad,
} from './http2-frame.ts';
import { http2GrpcCall } from './http2-grpc.ts';
import { clientStreamError, Http2StreamErrors } from './http2-stream-errors.ts';
import {
  createHttp2Messages,
  type Http2Messages,
  Http2PendingRequests,
  http2RequestRef,
} from './http2-streams.ts';

/** RFC 9113 §3.4: the client connection preface. */
export const http2Preface = Uint8Array.from(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'));

/** Largest frame we buffer whole; larger DATA frames are skipped, larger header frames read as they come, others end parsing. */
const maxBufferedFrame = 65536;

/** HEADERS, PUSH_PROMISE and CONTINUATION frames carry a header block fragment (RFC 9113 §4.3). */
const carriesBlock = (header: FrameHeader): boolean =>
  header.type === frameType.headers ||
  header.type === frameType.pushPromise ||
  header.type === frameType.continuation;

/** Trailer fields kept per message (gRPC sends two or three). */
const maxTrailers = 16;

type OpenBlock = {
  streamId: number;
  push: boolean;
  endStream: boolean;
  /** Octets so far: the HPACK decoder takes each fragment as it comes (hpack-decoder.ts `feed`), none is kept. */
  size: number;
  /** CONTINUATION frames so far, and when the block's HEADERS came. */
  frames: number;
  since: number;
};

/**
 * A HEADERS, PUSH_PROMISE or CONTINUATION frame past `maxBufferedFrame` (a peer sends up to 16 MiB once told it may,
 * SETTINGS_MAX_FRAME_SIZE; Go's servers allow 1 MiB): its payload octets `at` so far, its fragment `[start, end)`.
 */
type LargeFrame = { header: FrameHeader; at: number; start: number; end: number };

type Side = {
  direction: Direction;
  pending: Uint8Array;
  prefaceChecked: boolean;
  stopped: boolean;
  skip: number;
  /** The capture time of the last chunk: what a loss cuts is told then. */
  ts: number;
  hpack: HpackDecoder;
  block: OpenBlock | undefined;
  /** A header frame too large to buffer, fed to HPACK as its octets come. */
  large: LargeFrame | undefined;
  messages: Http2Messages;
  /** Frames that make the peer work without a request (http2-control.ts), made at the first. */
  control: Http2Control | undefined;
};

export type Http2Session = {
  feed(chunk: Uint8Array, direction: Direction, ts: number, out: ProtocolEvent[]): void;
  /** Octets lost (`lost` of them when known): skipped inside a frame that holds no header block, else the side stops. */
  gap(direction: Direction, lost: number | undefined, out: ProtocolEvent[]): void;
};

const startsWith = (bytes: Uint8Array, prefix: Uint8Array): boolean => {
  const n = Math.min(bytes.length, prefix.length);
  for (let i = 0; i < n; i += 1) if (bytes[i] !== prefix[i]) return false;
  return true;
};

const empty = new Uint8Array(0);

const newSide = (direction: Direction): Side => ({
  direction,
  pending: empty,
  prefaceChecked: direction === 'to-client',
  stopped: false,
  skip: 0,
  ts: 0,
  hpack: createHpackDecoder(),
  block: undefined,
  large: undefined,
  messages: createHttp2Messages(direction),
  control: undefined,
});

const control = (side: Side): Http2Control => {
  side.control ??= new Http2Control(side.direction);
  return side.control;
};

/** The trailers a message keeps: the first `maxTrailers`, no forwarding header among them. */
const trailersOf = (headers: readonly Header[]): Header[] =>
  headers.slice(0, maxTrailers).filter((header) => !isForwardingName(header[0]));

/**
 * Creates a session; the client preface is consumed when present (absent when picked up mid-stream). After an h2c
 * upgrade, `upgraded` is the HTTP/1.1 request that asked for it: it is stream 1, and the server answers it there
 * (RFC 7540 §3.2; RFC 9113 §3.1 deprecates the upgrade, which curl's `--http2` still makes over plain HTTP).
 */
export const createHttp2Session = (upgraded?: HttpRequestRef): Http2Session => {
  const sides = { 'to-server': newSide('to-server'), 'to-client': newSide('to-client') } as const;
  const peer = (side: Side): Side =>
    side.direction === 'to-server' ? sides['to-client'] : sides['to-server'];
  const awaiting = new Http2PendingRequests();
  /** Stream errors the client provokes and the server's resets for them (MadeYouReset). */
  const errors = new Http2StreamErrors();
  if (upgraded !== undefined) {
    awaiting.remember(1, upgraded);
    // The upgrade request was the client's whole stream 1 (RFC 7540 §3.2): half-closed for the server from the start.
    errors.opened(1);
    errors.ended(1);
  }
  /** The streams the client opened: what its resets are a share of. */
  let streams = upgraded === undefined ? 0 : 1;

  const clientEnded = (side: Side, streamId: number): void => {
    if (side.direction === 'to-server') errors.ended(streamId);
  };

  /** A client's DATA frame: one on a stream it ended has no open message (it was told at END_STREAM). */
  const clientData = (side: Side, header: FrameHeader, open: boolean, ts: number, out: ProtocolEvent[]) => {
    if (!open && errors.afterEnd(header.streamId)) streamError(side, 'DATA after END_STREAM', ts, out);
    else if (header.flags & frameFlag.endStream) errors.ended(header.streamId);
  };

  /** A client frame that is a stream error for the server (http2-stream-errors.ts), when `cause` names one. */
  const streamError = (side: Side, cause: string | undefined, ts: number, out: ProtocolEvent[]): void => {
    if (cause !== undefined) control(side).count('stream-errors', ts, streams, out, cause);
  };

  /** A complete header block, decoded (always, to keep HPACK state; undefined when malformed): open, trail or ignore. */
  const onHeaderBlock = (
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
      control(side).expansion(block.size, side.hpack.listSize, ts, streams, out);
    if (block.push) return;
    const open = side.messages.get(block.streamId);
    if (open === undefined && !openMessage(side, block.streamId, headers, ts, out)) return;
    // Trailers (RFC 9113 §8.1): a gRPC answer's status comes here, so they join the message's headers; forwarding
    // headers do not (RFC 9110 §6.5.1): a proxy writes the header section, a client's trailer would be read after it.
    if (open !== undefined && !open.emitted) open.headers.push(...trailersOf(headers));
    if (!block.endStream) return;
    clientEnded(side, block.streamId);
    side.messages.flush(block.streamId, ts, out, true);
  };

  /** A new request (maybe a gRPC call) or a final response, which completes the request it answers. */
  const openMessage = (side: Side, streamId: number, headers: Header[], ts: number, out: ProtocolEvent[]) => {
    if (side.direction === 'to-client') {
      const status = headers.find((h) => h[0] === ':status')?.[1] ?? '';
      if (status.startsWith('1')) return false;
      peer(side).messages.flush(streamId, ts, out, true);
      side.messages.open(streamId, headers, ts, out, awaiting.take(streamId));
      return true;
    }
    // Not a request's trailers (it has no open message): a header block on a stream the client has ended.
    if (errors.afterEnd(streamId)) streamError(side, 'HEADERS after END_STREAM', ts, out);
    else streams += 1;
    errors.opened(streamId);
    // One scan for the forwarding headers, which the call and the response's request share.
    const request = http2RequestRef(headers);
    const call = http2GrpcCall(headers, streamId, ts, request.forwarding);
    if (call) out.push(call);
    awaiting.remember(streamId, request);
    side.messages.open(streamId, headers, ts, out);
    return true;
  };

  /** The block a HEADERS or PUSH_PROMISE frame opens with `octets`; undefined on stream 0 (RFC 9113 §6.2). */
  const newBlock = (header: FrameHeader, octets: number, ts: number): OpenBlock | undefined =>
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

  const onHeadersFrame = (
    side: Side,
    header: FrameHeader,
    payload: Uint8Array,
    ts: number,
    out: ProtocolEvent[],
  ) => {
    if (header.flags & frameFlag.priority && side.direction === 'to-server')
      streamError(side, clientStreamError(header, payload), ts, out);
    const fragment = headerFragment(header, payload);
    const block = fragment && newBlock(header, fragment.length, ts);
    if (fragment === undefined || block === undefined) {
      side.stopped = true;
      return;
    }
    // A whole block in one frame (the usual case) is decoded in place; one in CONTINUATION frames piece by piece.
    if (header.flags & frameFlag.endHeaders) onHeaderBlock(side, block, side.hpack.decode(fragment), ts, out);
    else {
      side.hpack.begin();
      side.block = block;
      if (!side.hpack.feed(fragment)) side.stopped = true;
    }
  };

  /** The open block grown by a CONTINUATION frame of `octets`; undefined when it does not continue it or is too long. */
  const growBlock = (
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
      control(side).count('empty-frames', ts, streams, out);
    control(side).continuation(block.frames, block.size + octets, block.since, ts, streams, out);
    block.size += octets;
    return block.size > maxHeaderBlock ? undefined : block;
  };

  const endBlock = (side: Side, block: OpenBlock, ts: number, out: ProtocolEvent[]): void => {
    side.block = undefined;
    onHeaderBlock(side, block, side.hpack.finish(), ts, out);
  };

  const onContinuation = (
    side: Side,
    header: FrameHeader,
    payload: Uint8Array,
    ts: number,
    out: ProtocolEvent[],
  ) => {
    const block = growBlock(side, header, payload.length, ts, out);
    if (block === undefined || !side.hpack.feed(payload)) side.stopped = true;
    else if (header.flags & frameFlag.endHeaders) endBlock(side, block, ts, out);
  };

  /** Opens or grows the block of a header frame too large to buffer, with `octets` of fragment; false to stop. */
  const openLarge = (side: Side, header: FrameHeader, octets: number, ts: number, out: ProtocolEvent[]) => {
    if (header.type === frameType.continuation) return growBlock(side, header, octets, ts, out) !== undefined;
    const block = side.block === undefined ? newBlock(header, octets, ts) : undefined;
    if (block === undefined) return false;
    if (octets > maxHeaderBlock) {
      control(side).continuation(0, octets, ts, ts, streams, out);
      return false;
    }
    side.hpack.begin();
    side.block = block;
    return true;
  };

  /** Starts a header frame past `maxBufferedFrame` from its frame header (and pad length): its payload comes next. */
  const startLarge = (
    side: Side,
    header: FrameHeader,
    bytes: Uint8Array,
    ts: number,
    out: ProtocolEvent[],
  ) => {
    const padded = (header.flags & frameFlag.padded) !== 0;
    const priority = header.type === frameType.headers && (header.flags & frameFlag.priority) !== 0;
    const start = (padded ? 1 : 0) + (header.type === frameType.pushPromise ? 4 : priority ? 5 : 0);
    const end = header.length - (padded ? (bytes[frameHeaderLength] ?? 0) : 0);
    if (end < start || !openLarge(side, header, end - start, ts, out)) {
      side.stopped = true;
      return bytes;
    }
    side.large = { header, at: 0, start, end };
    return bytes.subarray(frameHeaderLength);
  };

  /** The next octets of a large header frame: its fragment's to HPACK, its end ends the block at END_HEADERS. */
  const takeLarge = (side: Side, large: LargeFrame, bytes: Uint8Array, ts: number, out: ProtocolEvent[]) => {
    const n = Math.min(bytes.length, large.header.length - large.at);
    const from = Math.max(large.start, large.at);
    const to = Math.min(large.end, large.at + n);
    if (to > from && !side.hpack.feed(bytes.subarray(from - large.at, to - large.at))) side.stopped = true;
    large.at += n;
    if (large.at < large.header.length) return bytes.subarray(n);
    side.large = undefined;
    const block = side.block;
    if (!side.stopped && block !== undefined && large.header.flags & frameFlag.endHeaders)
      endBlock(side, block, ts, out);
    return bytes.subarray(n);
  };

  const onData = (
    side: Side,
    header: FrameHeader,
    payload: Uint8Array | undefined,
    ts: number,
    out: ProtocolEvent[],
  ) => {
    if (header.length === 0 && (header.flags & frameFlag.endStream) === 0)
      control(side).count('empty-frames', ts, streams, out);
    const message = side.messages.get(header.streamId);
    if (side.direction === 'to-server') clientData(side, header, message !== undefined, ts, out);
    if (message === undefined) return;
    const data = payload === undefined ? undefined : unpad(payload, header.flags);
    if (data === undefined) message.truncated = true;
    side.messages.append(message, data ?? new Uint8Array(0), ts, out);
    if (payload === undefined || header.flags & frameFlag.endStream) {
      side.messages.flush(header.streamId, ts, out, (header.flags & frameFlag.endStream) !== 0);
    }
  };

  const onReset = (
    side: Side,
    header: FrameHeader,
    payload: Uint8Array,
    ts: number,
    out: ProtocolEvent[],
  ): void => {
    // Rapid Reset: the client cancels a stream the server has not answered (CVE-2023-44487).
    if (side.direction === 'to-server') {
      if (awaiting.forget(header.streamId)) control(side).count('resets', ts, streams, out);
    } else {
      // MadeYouReset: the server resets a client's stream for the client's error (CVE-2025-8671).
      const code = errors.serverReset(header.streamId, payload);
      if (code !== undefined) control(side).count('server-resets', ts, errors.dealtWith(streams), out, code);
    }
    side.messages.flush(header.streamId, ts, out, true);
    peer(side).messages.flush(header.streamId, ts, out, true);
  };

  const onFrame = (
    side: Side,
    header: FrameHeader,
    payload: Uint8Array,
    ts: number,
    out: ProtocolEvent[],
  ): void => {
    if (side.block !== undefined && header.type !== frameType.continuation) {
      side.stopped = true;
      return;
    }
    switch (header.type) {
      case frameType.headers:
      case frameType.pushPromise:
        onHeadersFrame(side, header, payload, ts, out);
        return;
      case frameType.continuation:
        onContinuation(side, header, payload, ts, out);
        return;
      case frameType.data:
        onData(side, header, payload, ts, out);
        return;
      case frameType.rstStream:
        onReset(side, header, payload, ts, out);
        return;
      case frameType.priority:
      case frameType.windowUpdate:
        if (side.direction === 'to-server') streamError(side, clientStreamError(header, payload), ts, out);
        return;
      case frameType.ping:
      case frameType.settings:
        if ((header.flags & frameFlag.ack) === 0)
          control(side).count(header.type === frameType.ping ? 'pings' : 'settings', ts, streams, out);
        return;
      case frameType.goaway:
        sides['to-server'].messages.flushAll(ts, out);
        sides['to-client'].messages.flushAll(ts, out);
        return;
      default:
    }
  };

  /** Consumes the client preface when present; false while a short prefix still matches it. */
  const checkPreface = (side: Side): boolean => {
    if (side.prefaceChecked) return true;
    if (side.pending.length < http2Preface.length && startsWith(side.pending, http2Preface)) return false;
    if (startsWith(side.pending, http2Preface)) side.pending = side.pending.subarray(http2Preface.length);
    side.prefaceChecked = true;
    return true;
  };

  /** Skips the rest of an oversized DATA frame already reported as truncated. */
  const skipBytes = (side: Side, bytes: Uint8Array): Uint8Array => {
    const skipped = Math.min(side.skip, bytes.length);
    side.skip -= skipped;
    return bytes.subarray(skipped);
  };

  /** A frame too large to buffer: DATA is reported truncated and skipped; anything else ends parsing. */
  const oversized = (
    side: Side,
    header: FrameHeader,
    bytes: Uint8Array,
    ts: number,
    out: ProtocolEvent[],
  ) => {
    if (header.type !== frameType.data) side.stopped = true;
    else onData(side, header, undefined, ts, out);
    side.skip = frameHeaderLength + header.length;
    return skipBytes(side, bytes);
  };

  /** A loss inside the rest of a frame already being skipped: true when it ends within it. */
  const skipWithin = (side: Side, lost: number): boolean => {
    if (lost > side.skip) return false;
    side.skip -= lost;
    return true;
  };

  /**
   * A loss of known length inside a frame whose header was read, in the frame: skipped with the rest of the frame (ADR
   * 34), so a long-lived connection is not blind after one lost segment of a body. A DATA frame's message is told
   * cut. Not for a header block (HEADERS, CONTINUATION, PUSH_PROMISE): HPACK's table would be wrong from there on.
   */
  const skipLoss = (side: Side, lost: number, out: ProtocolEvent[]): boolean => {
    if (!(lost > 0)) return lost === 0;
    if (side.skip > 0) return skipWithin(side, lost);
    if (!side.prefaceChecked || side.block !== undefined || side.pending.length < frameHeaderLength)
      return false;
    const header = readFrameHeader(side.pending, 0);
    const left = frameHeaderLength + header.length - side.pending.length;
    const blocks = header.type === frameType.headers || header.type === frameType.continuation;
    if (left <= 0 || lost > left || blocks || header.type === frameType.pushPromise) return false;
    if (header.type === frameType.data) onData(side, header, undefined, side.ts, out);
    side.pending = empty;
    side.skip = left - lost;
    return true;
  };

  /**
   * A frame not all here: undefined to wait for the rest when it fits `maxBufferedFrame` (or a large header frame's
   * pad length is still to come), else what is left once it is skipped (DATA), begun (a header frame) or stops the side.
   */
  const partialFrame = (
    side: Side,
    header: FrameHeader,
    bytes: Uint8Array,
    ts: number,
    out: ProtocolEvent[],
  ): Uint8Array | undefined => {
    if (header.length <= maxBufferedFrame) return undefined;
    if (!carriesBlock(header)) return oversized(side, header, bytes, ts, out);
    return bytes.length > frameHeaderLength ? startLarge(side, header, bytes, ts, out) : undefined;
  };

  /** One frame, or the next octets of a large header frame, from `bytes`: what is left, undefined to wait for more. */
  const step = (side: Side, bytes: Uint8Array, ts: number, out: ProtocolEvent[]): Uint8Array | undefined => {
    if (side.large !== undefined) return takeLarge(side, side.large, bytes, ts, out);
    if (bytes.length < frameHeaderLength) return undefined;
    const header = readFrameHeader(bytes, 0);
    const total = frameHeaderLength + header.length;
    if (bytes.length < total) return partialFrame(side, header, bytes, ts, out);
    onFrame(side, header, bytes.subarray(frameHeaderLength, total), ts, out);
    return bytes.subarray(total);
  };

  const drain = (side: Side, ts: number, out: ProtocolEvent[]): void => {
    let bytes = side.pending;
    // Frames past the event cap are still parsed (HPACK state must follow every header block).
    while (!side.stopped && bytes.length > 0) {
      const rest = step(side, bytes, ts, out);
      if (rest === undefined) break;
      bytes = rest;
    }
    // A copy of what is left: the caller may reuse the chunk's memory once `feed` returns.
    side.pending = side.stopped || bytes.length === 0 ? empty : bytes.slice();
  };

  return {
    feed(chunk, direction, ts, out) {
      const side = sides[direction];
      if (side.stopped) return;
      side.ts = ts;
      const rest = side.skip > 0 ? skipBytes(side, chunk) : chunk;
      if (rest.length === 0) return;
      // No bound on the chunk: what is left pending after a drain is one partial frame of at most maxBufferedFrame
      // (longer DATA is skipped, other frames stop the side), and a reassembler may hand over 256 KiB at once.
      if (side.pending.length === 0) side.pending = rest;
      else {
        const merged = new Uint8Array(side.pending.length + rest.length);
        merged.set(side.pending);
        merged.set(rest, side.pending.length);
        side.pending = merged;
      }
      if (checkPreface(side)) drain(side, ts, out);
      else if (side.pending === rest) side.pending = rest.slice();
    },
    gap(direction, lost, out) {
      const side = sides[direction];
      if (side.stopped || (lost !== undefined && skipLoss(side, lost, out))) return;
      // HPACK state cannot survive lost bytes of a header block (RFC 7541 §2.2), nor framing a loss of unknown length.
      side.stopped = true;
      side.pending = empty;
    },
  };
};
