/**
 * HTTP/2 used to exhaust a server rather than to ask it anything (RFC 9113 §10.5): a peer that opens streams and
 * cancels them before the answer (Rapid Reset, CVE-2023-44487, the largest DDoS attacks yet recorded), floods PING or
 * SETTINGS frames that each demand an acknowledgement (CVE-2019-9512, -9515), sends empty frames that cost work and
 * carry nothing (CVE-2019-9518), keeps a header block open with CONTINUATION frames (CVE-2024-27316 in Apache httpd,
 * CVE-2023-45288 in Go, CVE-2024-27983 in Node and others), or compresses a few octets of HPACK into a huge header
 * list (CVE-2016-6581), or makes the server reset its streams with frames that are stream errors (MadeYouReset,
 * CVE-2025-8671: the streams stop counting against the server's limit while its application still works on them). The
 * parser counts these frames per side of a connection (protocols/http2-control.ts); this judges the counts against
 * rates no ordinary client reaches. One finding per connection.
 */
import { z } from 'zod';
import { readsRequests } from '../engine/event-read.ts';
import type { Http2ControlEvent } from '../events.ts';
import { continuationFrames } from '../protocols/http2-control.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const count = (fallback: number) => z.number().int().min(64).default(fallback);
const rate = (fallback: number) => z.number().min(0).default(fallback);

const config = detectorConfig('high', {
  /** Streams the client reset before the server answered: at least this many (told at 64, 128, 256, ...). */
  resets: count(128),
  /** ... and at least this share of the streams it opened (Envoy closes a connection past half). */
  resetShare: z.number().min(0).max(1).default(0.5),
  /** ... at this many a second or more since the first. */
  resetsPerSecond: rate(50),
  /**
   * MadeYouReset: the client's frames that are stream errors for the server, or the server's resets of the client's
   * streams for its errors: at least this many, with the share and rate of Rapid Reset above (it is Rapid Reset with
   * the server's hand on the reset, and servers fixed it by counting both against one limit).
   */
  streamErrors: count(128),
  /** PING, SETTINGS or empty frames: at least this many of one kind... */
  frames: count(256),
  /** ... at this many a second or more since the first (gRPC keepalive pings come minutes apart). */
  framesPerSecond: rate(10),
  /** Report a header block past the 1 MiB the tap reads (the connection's later frames go unread). */
  oversizedBlocks: z.boolean().default(true),
});
type Config = z.infer<typeof config>;

const side = (event: Http2ControlEvent) => (event.direction === 'to-server' ? 'client' : 'server');

const perSecond = (event: Http2ControlEvent): number =>
  event.count / Math.max((event.ts - event.since) / 1000, 0.001);

const seconds = (event: Http2ControlEvent): string => `${((event.ts - event.since) / 1000).toFixed(2)} s`;

const floodNames = {
  pings: ['PING frames', 'CVE-2019-9512 ping flood'],
  settings: ['SETTINGS frames', 'CVE-2019-9515 settings flood'],
  'empty-frames': ['empty DATA or CONTINUATION frames', 'CVE-2019-9518 empty frames flood'],
} as const;

const judgeResets = (event: Http2ControlEvent, c: Config): [string, number] | undefined => {
  if (event.count < c.resets || perSecond(event) < c.resetsPerSecond) return undefined;
  if (event.count < c.resetShare * event.streams) return undefined;
  return [
    `client reset ${event.count} of the ${event.streams} streams it opened before the server answered, in ${seconds(event)} (Rapid Reset, CVE-2023-44487)`,
    0.9,
  ];
};

/** `WINDOW_UPDATE of 0 ×128, DATA after END_STREAM ×2`: most first. */
const causesOf = (event: Http2ControlEvent): string =>
  Object.entries(event.causes ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([cause, n]) => `${cause} ×${n}`)
    .join(', ');

/** MadeYouReset, from the client's frames (`stream-errors`) or from the server's resets (`server-resets`). */
const judgeStreamErrors = (event: Http2ControlEvent, c: Config): [string, number] | undefined => {
  if (event.count < c.streamErrors || perSecond(event) < c.resetsPerSecond) return undefined;
  if (event.count < c.resetShare * event.streams) return undefined;
  const what =
    event.control === 'stream-errors'
      ? `client sent ${event.count} frames that are stream errors on the ${event.streams} streams it opened`
      : `server reset ${event.count} of the client's first ${event.streams} streams for the client's errors`;
  return [`${what} (${causesOf(event)}), in ${seconds(event)} (MadeYouReset, CVE-2025-8671)`, 0.9];
};

const judgeFlood = (event: Http2ControlEvent, c: Config): [string, number] | undefined => {
  const names = floodNames[event.control as keyof typeof floodNames];
  if (names === undefined || event.count < c.frames || perSecond(event) < c.framesPerSecond) return undefined;
  return [`${side(event)} sent ${event.count} ${names[0]} in ${seconds(event)} (${names[1]})`, 0.8];
};

const judgeBlock = (event: Http2ControlEvent, c: Config): [string, number] | undefined => {
  const octets = event.octets ?? 0;
  if (event.control === 'hpack-expansion')
    return [
      `a ${octets}-octet header block decoded to ${event.decoded ?? 0} octets (HPACK bomb, CVE-2016-6581)`,
      0.8,
    ];
  const flood = event.count >= continuationFrames;
  if (!flood && !(c.oversizedBlocks && event.stopped === true)) return undefined;
  const what = `${side(event)} sent a header block of ${event.count} CONTINUATION frames and ${octets} octets`;
  const stop = event.stopped === true ? '; past the 1 MiB read, the rest of this side is not inspected' : '';
  return flood ? [`${what} (CONTINUATION flood, CVE-2024-27316)${stop}`, 0.9] : [`${what}${stop}`, 0.5];
};

const judge = (event: Http2ControlEvent, c: Config): [string, number] | undefined => {
  if (event.control === 'resets') return judgeResets(event, c);
  if (event.control === 'stream-errors' || event.control === 'server-resets')
    return judgeStreamErrors(event, c);
  if (event.control === 'continuation' || event.control === 'hpack-expansion') return judgeBlock(event, c);
  return judgeFlood(event, c);
};

export const http2Abuse: Threat<typeof config, undefined> = {
  id: 'http2-abuse',
  on: ['http2-control'],
  // The client's frames to the end; the server's within the summary bound, as far as it is parsed anyway: reading
  // all of the server's would parse every HTTP answer to its end (parse-budget.ts).
  reads: [
    readsRequests('http2-control'),
    { kind: 'http2-control', directions: ['to-client'], depth: 'first' },
  ],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'http2-control') return noHits;
    const verdict = judge(event, c);
    if (verdict === undefined) return noHits;
    return [
      {
        threat: 'http2-abuse',
        severity: c.severity,
        confidence: verdict[1],
        evidence: verdict[0],
        ts: event.ts,
      },
    ];
  },
};
