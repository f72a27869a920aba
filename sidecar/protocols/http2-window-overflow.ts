/**
 * MadeYouReset's overflowed window (CVE-2025-8671) told from the client's side alone, so that it is seen past the
 * server side's parse bound (ADR 44, Later). A stream's window for the server's DATA is the client's
 * SETTINGS_INITIAL_WINDOW_SIZE plus its WINDOW_UPDATE increments on the stream, less the DATA the server sent on it,
 * and may not pass 2^31-1 (RFC 9113 §6.9.1, §6.9.2). The part of an increment past 2^31-1, taken as if on a stream with
 * no DATA yet, is DATA the server must have sent on that stream; all its DATA is bounded by the connection's window,
 * which SETTINGS do not change: 65,535 octets and the client's increments on stream 0. Once those parts add up to more
 * than that window, no DATA can have covered them: each such increment from then on is counted. A client that grants
 * window for DATA it received never gets there, whatever its initial window.
 */
import type { FrameHeader } from './http2-frame.ts';

/** §6.9.1: the largest a flow-control window may be. */
const maxWindow = 0x7fffffff;
/** §6.9.2: a connection's window, and a stream's until SETTINGS_INITIAL_WINDOW_SIZE says otherwise. */
const defaultWindow = 65_535;
/** §6.5.2: SETTINGS_INITIAL_WINDOW_SIZE. */
const initialWindowSize = 4;

const u32 = (bytes: Uint8Array, at: number): number =>
  (bytes[at] ?? 0) * 2 ** 24 +
  ((bytes[at + 1] ?? 0) << 16) +
  ((bytes[at + 2] ?? 0) << 8) +
  (bytes[at + 3] ?? 0);

/** One connection's account, made at the client's preface: without it, earlier increments and DATA are unknown. */
export class Http2WindowOverflow {
  /**
   * The least initial stream window the client has set: its first value replaces the default only while no stream is
   * open (the server applies it to every stream after it); later ones can only lower it, so nothing is overstated.
   */
  private initial = defaultWindow;
  private initialSet = false;
  /** The most DATA the server can have sent on all streams: the connection's window as the client opened it. */
  private connection = defaultWindow;
  /** The parts past 2^31-1 of the client's stream increments so far. */
  private past = 0;

  /** A client SETTINGS frame, not an acknowledgement; `opened` once the client has opened a stream. */
  settings(payload: Uint8Array, opened: boolean): void {
    for (let at = 0; at + 6 <= payload.length; at += 6) {
      if ((((payload[at] ?? 0) << 8) | (payload[at + 1] ?? 0)) !== initialWindowSize) continue;
      const value = u32(payload, at + 2);
      // Past 2^31-1 it is a connection error (§6.5.2): the server ends the connection.
      if (value > maxWindow) continue;
      this.initial = opened || this.initialSet ? Math.min(this.initial, value) : value;
      this.initialSet = true;
    }
  }

  /**
   * A client WINDOW_UPDATE (§6.9: a 31-bit increment): 'window past 2^31-1' when no DATA can have covered its
   * increment; on stream 0 it opens the connection's window.
   */
  update(header: FrameHeader, payload: Uint8Array): string | undefined {
    if (payload.length !== 4) return undefined;
    const increment = u32(payload, 0) % 2 ** 31;
    if (header.streamId === 0) {
      this.connection += increment;
      return undefined;
    }
    const over = this.initial + increment - maxWindow;
    if (over <= 0) return undefined;
    this.past += over;
    return this.past > this.connection ? 'window past 2^31-1' : undefined;
  }
}
