/** One direction of an HTTP/2 connection as the session reads it: pending octets, HPACK, open block, messages. */
import type { Direction } from '../events.ts';
import { createHpackDecoder, type HpackDecoder } from './hpack-decoder.ts';
import { Http2Control } from './http2-control.ts';
import type { FrameHeader } from './http2-frame.ts';
import { createHttp2Messages, type Http2Messages } from './http2-streams.ts';

export type OpenBlock = {
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
export type LargeFrame = { header: FrameHeader; at: number; start: number; end: number };

export type Side = {
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

/**
 * Largest frame we buffer whole; larger DATA frames are skipped, larger header frames read as they come, others end
 * parsing.
 */
export const maxBufferedFrame = 65536;

export const empty = new Uint8Array(0);

export const newSide = (direction: Direction): Side => ({
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

/** The side's control-frame tally, made at its first use. */
export const control = (side: Side): Http2Control => {
  side.control ??= new Http2Control(side.direction);
  return side.control;
};
