/**
 * HTTP/2 frames that make a server work without a request to show for it (RFC 9113 §10.5), counted per side of a
 * connection and told as `http2-control` events: at 64 and each doubling after for the floods, once for a header
 * block that runs on (events.ts `Http2ControlEvent`). The tally is made at the first such frame, so a connection that
 * sends none costs nothing but a stream count.
 */
import type { Direction, Http2ControlEvent, ProtocolEvent } from '../events.ts';

type Flood = 'resets' | 'pings' | 'settings' | 'empty-frames' | 'stream-errors' | 'server-resets';
const floods: readonly Flood[] = [
  'resets',
  'pings',
  'settings',
  'empty-frames',
  'stream-errors',
  'server-resets',
];

/** The first count told; each doubling after it is told too. */
export const firstTold = 64;
/** CONTINUATION frames in one header block from which it is told: a large legitimate block takes a handful. */
export const continuationFrames = 32;
/** A header block decoding to this much, at this many times its own size, is told (`hpack-expansion`). */
export const expansionOctets = 65536;
export const expansionFactor = 16;

/** `causes`: what the frames were (MadeYouReset's kinds), made at the first that has one. */
type Count = { count: number; since: number; causes?: Record<string, number> };

export class Http2Control {
  private readonly counts: Count[] = floods.map(() => ({ count: 0, since: 0 }));
  private continuationTold = false;
  private stopTold = false;
  private expansionTold = false;

  constructor(private readonly direction: Direction) {}

  /**
   * One more frame of a flood kind, `cause` naming what it was when the kind tells them; tells the count when it
   * reaches 64 or a doubling of it, with the causes so far.
   */
  count(kind: Flood, ts: number, streams: number, out: ProtocolEvent[], cause?: string): void {
    const tally = this.counts[floods.indexOf(kind)] as Count;
    if (tally.count === 0) tally.since = ts;
    tally.count += 1;
    if (cause !== undefined) {
      tally.causes ??= {};
      tally.causes[cause] = (tally.causes[cause] ?? 0) + 1;
    }
    const n = tally.count;
    if (n < firstTold || (n & (n - 1)) !== 0) return;
    const event = this.event(kind, n, tally.since, ts, streams);
    if (tally.causes !== undefined) event.causes = { ...tally.causes };
    out.push(event);
  }

  /**
   * A header block grew by a CONTINUATION frame (`frames` so far, `octets` so far): told once per side when its frames
   * reach `continuationFrames`, and once more when `stopped` (past the octets read; the side is then read no further),
   * which 1 MiB in frames of the default 16 KiB reaches only after 64 frames.
   */
  continuation(
    frames: number,
    octets: number,
    since: number,
    ts: number,
    streams: number,
    out: ProtocolEvent[],
  ) {
    const stop = stopped(octets);
    if (stop ? this.stopTold : this.continuationTold || frames < continuationFrames) return;
    this.continuationTold = true;
    this.stopTold = stop;
    const event = this.event('continuation', frames, since, ts, streams);
    event.octets = octets;
    if (stop) event.stopped = true;
    out.push(event);
  }

  /** A header block of `octets` decoded to `decoded` octets (RFC 7541 §4.1 sizes): told once when it expanded. */
  expansion(octets: number, decoded: number, ts: number, streams: number, out: ProtocolEvent[]): void {
    if (this.expansionTold || decoded < expansionOctets || decoded < octets * expansionFactor) return;
    this.expansionTold = true;
    const event = this.event('hpack-expansion', 1, ts, ts, streams);
    event.octets = octets;
    event.decoded = decoded;
    out.push(event);
  }

  private event(
    control: Http2ControlEvent['control'],
    count: number,
    since: number,
    ts: number,
    streams: number,
  ): Http2ControlEvent {
    return { kind: 'http2-control', ts, direction: this.direction, control, count, since, streams };
  }
}

/**
 * The header block octets the session reads, decoded piece by piece (hpack-decoder.ts `feed`); past them the side
 * stops, as HPACK's table cannot be followed past a block not decoded. 1 MiB: Go's servers take a header list of up to
 * 1 MiB (`http.DefaultMaxHeaderBytes`), nghttp2 64 KiB by default.
 */
export const maxHeaderBlock = 1 << 20;

const stopped = (octets: number): boolean => octets > maxHeaderBlock;
