/** http2-abuse's verdicts on the parser's counts: each kind at and around its default thresholds. */
import { describe, expect, it } from 'vitest';
import type { Http2ControlEvent } from '#sidecar/events.ts';
import { http2Abuse } from '#sidecar/threats/http2-abuse.ts';

const config = http2Abuse.config.parse({});
const flow = {
  transport: 'tcp' as const,
  client: { ip: '10.0.0.1', port: 40000 },
  server: { ip: '10.0.0.2', port: 8443 },
  protocol: 'http2' as const,
};

const event = (fields: Partial<Http2ControlEvent>): Http2ControlEvent => ({
  kind: 'http2-control',
  ts: 10_000,
  direction: 'to-server',
  control: 'resets',
  count: 128,
  since: 9_000,
  streams: 130,
  ...fields,
});

const judge = (fields: Partial<Http2ControlEvent>, overrides: Record<string, unknown> = {}) =>
  http2Abuse.inspect(event(fields), undefined, { flow, config: http2Abuse.config.parse(overrides) });

describe('http2-abuse', () => {
  it('reports Rapid Reset: 128 unanswered streams reset, most of those opened, 50 a second or faster', () => {
    expect(judge({})).toEqual([
      {
        threat: 'http2-abuse',
        severity: 'high',
        confidence: 0.9,
        evidence:
          'client reset 128 of the 130 streams it opened before the server answered, in 1.00 s (Rapid Reset, CVE-2023-44487)',
        ts: 10_000,
      },
    ]);
    expect(config).toMatchObject({ resets: 128, resetShare: 0.5, resetsPerSecond: 50 });
  });

  it('leaves resets that are too few, too slow, or a small share of the streams', () => {
    expect(judge({ count: 64, streams: 64 })).toEqual([]);
    expect(judge({ since: 10_000 - 2_600 })).toEqual([]); // 128 in 2.6 s: 49 a second
    expect(judge({ streams: 257 })).toEqual([]);
    expect(judge({ streams: 256 })).toHaveLength(1);
    expect(judge({ count: 64, streams: 64 }, { resets: 64 })).toHaveLength(1);
  });

  it('reports MadeYouReset from the server’s resets: 128 of the client’s streams, half of them, 50 a second', () => {
    const resets = {
      control: 'server-resets' as const,
      direction: 'to-client' as const,
      causes: { STREAM_CLOSED: 28, PROTOCOL_ERROR: 100 },
    };
    expect(judge(resets)).toEqual([
      {
        threat: 'http2-abuse',
        severity: 'high',
        confidence: 0.9,
        evidence:
          "server reset 128 of the client's first 130 streams for the client's errors (PROTOCOL_ERROR ×100, STREAM_CLOSED ×28), in 1.00 s (MadeYouReset, CVE-2025-8671)",
        ts: 10_000,
      },
    ]);
    expect(config).toMatchObject({ streamErrors: 128 });
    expect(judge({ ...resets, count: 64, streams: 64 })).toEqual([]);
    expect(judge({ ...resets, since: 10_000 - 2_600 })).toEqual([]); // 49 a second
    expect(judge({ ...resets, streams: 257 })).toEqual([]);
    expect(judge({ ...resets, streams: 256 })).toHaveLength(1);
    expect(judge({ ...resets, count: 64, streams: 64 }, { streamErrors: 64 })).toHaveLength(1);
  });

  it('reports MadeYouReset from the client’s frames that are stream errors, naming them', () => {
    const frames = { control: 'stream-errors' as const, causes: { 'WINDOW_UPDATE of 0': 128 } };
    expect(judge(frames)[0]?.evidence).toBe(
      'client sent 128 frames that are stream errors on the 130 streams it opened (WINDOW_UPDATE of 0 ×128), in 1.00 s (MadeYouReset, CVE-2025-8671)',
    );
    expect(judge({ ...frames, count: 64 })).toEqual([]);
    expect(judge({ ...frames, since: 10_000 - 2_600 })).toEqual([]);
    expect(judge({ ...frames, streams: 300 })).toEqual([]);
  });

  it('reports PING, SETTINGS and empty-frame floods from either side past 256 at 10 a second', () => {
    const flood = { count: 256, since: 10_000 - 25_000, streams: 0 };
    expect(judge({ ...flood, control: 'pings' })[0]?.evidence).toBe(
      'client sent 256 PING frames in 25.00 s (CVE-2019-9512 ping flood)',
    );
    expect(judge({ ...flood, control: 'settings', direction: 'to-client' })[0]?.evidence).toBe(
      'server sent 256 SETTINGS frames in 25.00 s (CVE-2019-9515 settings flood)',
    );
    expect(judge({ ...flood, control: 'empty-frames' })[0]?.confidence).toBe(0.8);
    expect(judge({ ...flood, control: 'pings', count: 128 })).toEqual([]);
    expect(judge({ ...flood, control: 'pings', since: 10_000 - 26_000 })).toEqual([]);
  });

  it('reports a CONTINUATION flood, and a header block past the read at lower confidence unless told not to', () => {
    const block = { control: 'continuation' as const, since: 9_990, streams: 1 };
    expect(judge({ ...block, count: 32, octets: 33 })[0]).toMatchObject({
      confidence: 0.9,
      evidence:
        'client sent a header block of 32 CONTINUATION frames and 33 octets (CONTINUATION flood, CVE-2024-27316)',
    });
    // Past 1 MiB in fewer than 32 frames: frames of 64 KiB, which a peer may send once told it can (SETTINGS_MAX_FRAME_SIZE).
    expect(judge({ ...block, count: 16, octets: 1_100_000, stopped: true })[0]).toMatchObject({
      confidence: 0.5,
      evidence:
        'client sent a header block of 16 CONTINUATION frames and 1100000 octets; past the 1 MiB read, the rest of this side is not inspected',
    });
    expect(
      judge({ ...block, count: 16, octets: 1_100_000, stopped: true }, { oversizedBlocks: false }),
    ).toEqual([]);
  });

  it('reports an HPACK bomb with the block and what it decoded to', () => {
    expect(judge({ control: 'hpack-expansion', count: 1, octets: 20, decoded: 80_700 })[0]?.evidence).toBe(
      'a 20-octet header block decoded to 80700 octets (HPACK bomb, CVE-2016-6581)',
    );
  });

  it('refuses thresholds under the parser’s first count, naming the key', () => {
    expect(() => http2Abuse.config.parse({ frames: 10 })).toThrow(/frames/);
  });
});
