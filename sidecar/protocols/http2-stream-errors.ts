/**
 * MadeYouReset (CVE-2025-8671): frames that are a stream error for the server (RFC 9113 §5.4.2), which it answers
 * with RST_STREAM while its application may still be working on the request, so the stream no longer counts against
 * SETTINGS_MAX_CONCURRENT_STREAMS. What the client sends (`clientStreamError`, `EndedStreams`) and what the server
 * resets with (`blamingReset`); the session counts both (http2-control.ts).
 */
import { type FrameHeader, frameFlag, frameType } from './http2-frame.ts';

/** The stream a priority block (§5.3.2 of RFC 7540, kept in RFC 9113's frame layouts) depends on: 31 bits. */
const dependency = (bytes: Uint8Array, at: number): number =>
  (((bytes[at] ?? 0) & 0x7f) << 24) |
  ((bytes[at + 1] ?? 0) << 16) |
  ((bytes[at + 2] ?? 0) << 8) |
  (bytes[at + 3] ?? 0);

/**
 * What makes a client's WINDOW_UPDATE, PRIORITY or HEADERS frame a stream error, or undefined: a WINDOW_UPDATE of 0 on
 * a stream (§6.9, PROTOCOL_ERROR), a PRIORITY frame not 5 octets long (§6.3, FRAME_SIZE_ERROR), a PRIORITY frame or
 * HEADERS priority block that makes a stream depend on itself (§5.3.1, PROTOCOL_ERROR). On stream 0 these are
 * connection errors, which end the connection and are no way around its stream limit: not counted.
 */
export const clientStreamError = (header: FrameHeader, payload: Uint8Array): string | undefined => {
  if (header.streamId === 0) return undefined;
  if (header.type === frameType.windowUpdate)
    return payload.length === 4 && dependency(payload, 0) === 0 ? 'WINDOW_UPDATE of 0' : undefined;
  if (header.type === frameType.priority) {
    if (payload.length !== 5) return 'PRIORITY not 5 octets';
    return dependency(payload, 0) === header.streamId ? 'dependency on itself' : undefined;
  }
  if (header.type !== frameType.headers || (header.flags & frameFlag.priority) === 0) return undefined;
  const at = header.flags & frameFlag.padded ? 1 : 0;
  return payload.length >= at + 5 && dependency(payload, at) === header.streamId
    ? 'dependency on itself'
    : undefined;
};

/**
 * RST_STREAM error codes (§7) by which a server blames the client's frames for a stream error: what MadeYouReset
 * makes it send. Not REFUSED_STREAM nor CANCEL (a loaded server turning streams away, an answer no longer wanted), nor
 * NO_ERROR, INTERNAL_ERROR or ENHANCE_YOUR_CALM (the server's own state or limits).
 */
const blaming: Readonly<Record<number, string>> = {
  1: 'PROTOCOL_ERROR',
  3: 'FLOW_CONTROL_ERROR',
  5: 'STREAM_CLOSED',
  6: 'FRAME_SIZE_ERROR',
};

/** The error code of a server's RST_STREAM payload (§6.4: 4 octets) when it blames the client, else undefined. */
export const blamingReset = (payload: Uint8Array): string | undefined => {
  if (payload.length !== 4 || payload[0] !== 0 || payload[1] !== 0 || payload[2] !== 0) return undefined;
  return blaming[payload[3] ?? 0];
};

/** How many of the client's latest ended streams are remembered: as many as the session keeps open (streams.ts). */
const remembered = 128;

/**
 * One connection's facts for MadeYouReset: the highest stream the client opened, and the client streams it ended
 * with END_STREAM, the latest `remembered` of them (§5.1: half-closed (remote) for the server), so DATA or HEADERS it
 * sends on one after is told (§5.1: STREAM_CLOSED). The ended streams are a ring of ids, made at the first: one store
 * per request; the look-up, a scan, is made only for a frame on a stream with no open message.
 */
export class Http2StreamErrors {
  private ids: Int32Array | undefined;
  private next = 0;
  private lastOpened = 0;
  private lastReset = 0;

  /** The client opened `streamId` (its HEADERS began a request). */
  opened(streamId: number): void {
    if (streamId > this.lastOpened) this.lastOpened = streamId;
  }

  /** The client ended `streamId` (END_STREAM on its HEADERS or DATA). */
  ended(streamId: number): void {
    this.ids ??= new Int32Array(remembered);
    this.ids[this.next % remembered] = streamId;
    this.next += 1;
  }

  /** A client frame carrying DATA or a header block on `streamId`, which has no open message: after its END_STREAM. */
  afterEnd(streamId: number): boolean {
    const ids = this.ids;
    if (ids === undefined || streamId > this.lastOpened) return false;
    const n = Math.min(this.next, remembered);
    for (let i = 0; i < n; i += 1) if (ids[i] === streamId) return true;
    return false;
  }

  /** The code of a server's RST_STREAM of a stream the client opened (odd, §5.1.1), when it blames the client. */
  serverReset(streamId: number, payload: Uint8Array): string | undefined {
    if ((streamId & 1) === 0 || streamId > this.lastOpened) return undefined;
    const code = blamingReset(payload);
    if (code !== undefined && streamId > this.lastReset) this.lastReset = streamId;
    return code;
  }

  /**
   * Of the client's `opened` streams, those up to the last the server reset for its errors: the share of streams the
   * server has dealt with that it reset, though a client that writes all its streams at once is seen far ahead of the
   * server's answers. Client streams are numbered 1, 3, 5, ... (§5.1.1); one that skips numbers counts no more than
   * the streams it opened.
   */
  dealtWith(opened: number): number {
    return Math.min(opened, (this.lastReset + 1) >>> 1);
  }
}
