/**
 * The HTTP/2 parser's count of MadeYouReset's frames (CVE-2025-8671), from frames built per RFC 9113: the client's
 * frames that are a stream error for the server, and the server's RST_STREAMs that blame the client, each told at 64
 * and each doubling with what they were; and what is not counted (frames a client may send, a server turning streams
 * away or cancelling them, the same shapes from the other side).
 */
import { describe, expect, it } from 'vitest';
import type { Http2ControlEvent, ProtocolEvent } from '#sidecar/events.ts';
import { http2 } from '#sidecar/protocols/http2.ts';
import { createHttp2Session } from '#sidecar/protocols/http2-session.ts';
import { concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { frame, getBlock, preface } from './http2-frames.ts';

const u32 = (value: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
};
const get = (stream: number) => frame(0x1, 0x5, stream, getBlock); // HEADERS, END_STREAM | END_HEADERS
const post = (stream: number) => frame(0x1, 0x4, stream, getBlock); // HEADERS, END_HEADERS: a body follows
const windowUpdate = (stream: number, increment: number) => frame(0x8, 0, stream, u32(increment));
const priority = (stream: number, payload: Uint8Array) => frame(0x2, 0, stream, payload);
const reset = (stream: number, code: number) => frame(0x3, 0, stream, u32(code));

type Step = ['to-server' | 'to-client', Uint8Array, number];

const run = (steps: readonly Step[]): Http2ControlEvent[] => {
  const parser = http2.createParser();
  const events: ProtocolEvent[] = [];
  for (const [direction, bytes, ts] of steps) events.push(...parser.parse(bytes, direction, ts));
  return events.filter((e): e is Http2ControlEvent => e.kind === 'http2-control');
};

const told = (events: readonly Http2ControlEvent[]) =>
  events.map((e) => [e.direction, e.control, e.count, e.since, e.ts, e.streams, e.causes]);

type Send = (stream: number, i: number) => Uint8Array;

/** `n` streams, the i-th a GET then what `after` sends on it, from the client, and what `answer` sends back. */
const streams = (n: number, after: Send, answer?: Send) => {
  const steps: Step[] = [['to-server', preface, 0]];
  for (let i = 0; i < n; i++) {
    const stream = 1 + 2 * i;
    steps.push(['to-server', concat(get(stream), after(stream, i)), 10 + i]);
    if (answer !== undefined) steps.push(['to-client', answer(stream, i), 10 + i]);
  }
  return steps;
};

describe('MadeYouReset: frames that make the server reset streams', () => {
  it('counts a zero WINDOW_UPDATE after each request, and the server’s PROTOCOL_ERROR resets of them', () => {
    const events = run(
      streams(
        300,
        (stream) => windowUpdate(stream, 0),
        (stream) => reset(stream, 0x1),
      ),
    );
    expect(told(events)).toEqual([
      ['to-server', 'stream-errors', 64, 10, 73, 64, { 'WINDOW_UPDATE of 0': 64 }],
      ['to-client', 'server-resets', 64, 10, 73, 64, { PROTOCOL_ERROR: 64 }],
      ['to-server', 'stream-errors', 128, 10, 137, 128, { 'WINDOW_UPDATE of 0': 128 }],
      ['to-client', 'server-resets', 128, 10, 137, 128, { PROTOCOL_ERROR: 128 }],
      ['to-server', 'stream-errors', 256, 10, 265, 256, { 'WINDOW_UPDATE of 0': 256 }],
      ['to-client', 'server-resets', 256, 10, 265, 256, { PROTOCOL_ERROR: 256 }],
    ]);
  });

  it('counts the server’s resets against the client’s streams up to the last reset: a client may write all first', () => {
    const steps: Step[] = [['to-server', preface, 0]];
    for (let i = 0; i < 300; i++)
      steps.push(['to-server', concat(get(1 + 2 * i), windowUpdate(1 + 2 * i, 0)), 1]);
    for (let i = 0; i < 300; i++) steps.push(['to-client', reset(1 + 2 * i, 0x1), 10 + i]);
    expect(run(steps).map((e) => [e.direction, e.control, e.count, e.streams])).toEqual([
      ['to-server', 'stream-errors', 64, 64],
      ['to-server', 'stream-errors', 128, 128],
      ['to-server', 'stream-errors', 256, 256],
      ['to-client', 'server-resets', 64, 64],
      ['to-client', 'server-resets', 128, 128],
      ['to-client', 'server-resets', 256, 256],
    ]);
  });

  it('names each kind of stream error the client sends, and each blaming code the server resets with', () => {
    const bad: ((stream: number) => Uint8Array)[] = [
      (stream) => priority(stream, hex('00000001')), // 4 octets, not 5 (§6.3)
      (stream) => priority(stream, concat(u32(stream), hex('10'))), // depends on itself (§5.3.1)
      (stream) => frame(0x0, 0x1, stream, hex('61')), // DATA after the GET's END_STREAM (§5.1)
      (stream) => frame(0x1, 0x5, stream, hex('82')), // HEADERS after END_STREAM, not trailers of an open stream
    ];
    const codes = [0x6, 0x1, 0x5, 0x5, 0x3];
    const events = run(
      streams(
        64,
        (stream, i) => (bad[i % 4] as (s: number) => Uint8Array)(stream),
        (stream, i) => reset(stream, codes[i % 5] as number),
      ),
    );
    expect(events.map((e) => [e.control, e.causes])).toEqual([
      [
        'stream-errors',
        {
          'PRIORITY not 5 octets': 16,
          'dependency on itself': 16,
          'DATA after END_STREAM': 16,
          'HEADERS after END_STREAM': 16,
        },
      ],
      [
        'server-resets',
        { FRAME_SIZE_ERROR: 13, PROTOCOL_ERROR: 13, STREAM_CLOSED: 26, FLOW_CONTROL_ERROR: 12 },
      ],
    ]);
  });

  it('counts a HEADERS frame whose priority block makes its stream depend on itself, padded or not', () => {
    const steps: Step[] = [['to-server', preface, 0]];
    for (let i = 0; i < 64; i++) {
      const stream = 1 + 2 * i;
      const block = concat(u32(stream), hex('10'), getBlock);
      // END_STREAM | END_HEADERS | PRIORITY, and PADDED on every other one (pad length 1, one octet of padding).
      const padded = i % 2 === 1;
      steps.push([
        'to-server',
        frame(0x1, padded ? 0x2d : 0x25, stream, padded ? concat(hex('01'), block, hex('00')) : block),
        10,
      ]);
      // A priority block on another stream is not counted.
      const other = concat(hex('00'), u32(1), hex('10'), getBlock);
      if (!padded) steps.push(['to-server', frame(0x1, 0x2d, stream + 1000, other), 10]);
    }
    expect(run(steps).map((e) => [e.control, e.count, e.causes])).toEqual([
      ['stream-errors', 64, { 'dependency on itself': 64 }],
    ]);
  });

  it('does not count what a client may send: window updates, priorities, a body, trailers, its own resets', () => {
    const steps: Step[] = [['to-server', preface, 0]];
    for (let i = 0; i < 200; i++) {
      const stream = 1 + 2 * i;
      steps.push(['to-server', concat(post(stream), windowUpdate(stream, 65_535), windowUpdate(0, 0)), 10]);
      steps.push(['to-server', concat(priority(stream, hex('00000000 10')), priority(0, hex('00'))), 10]);
      steps.push([
        'to-server',
        concat(frame(0x0, 0, stream, hex('61')), frame(0x1, 0x5, stream, hex('40 01 78 01 79'))),
        10,
      ]);
      steps.push(['to-client', frame(0x1, 0x5, stream, hex('88')), 10]); // :status 200
      // After END_STREAM a client may still grant window, reprioritise and reset (§5.1, half-closed (local)).
      steps.push([
        'to-server',
        concat(windowUpdate(stream, 1), priority(stream, hex('00000000 10')), reset(stream, 0x8)),
        10,
      ]);
    }
    expect(run(steps)).toEqual([]);
  });

  it('does not count a server turning streams away or cancelling them, nor resets of streams the client did not open', () => {
    const codes = [0x0, 0x2, 0x7, 0x8, 0xb];
    const steps = streams(
      300,
      () => new Uint8Array(0),
      (stream) =>
        concat(
          reset(stream, codes[stream % 5] as number),
          reset(stream + 1, 0x1), // even: a pushed stream (§5.1.1)
          reset(stream + 2, 0x1), // odd, but not yet opened by the client
          frame(0x3, 0, stream, hex('00000001 00')), // not 4 octets (§6.4)
        ),
    );
    expect(run(steps)).toEqual([]);
  });

  it('does not count the same shapes from the server, nor the client’s own PROTOCOL_ERROR resets', () => {
    const steps = streams(
      300,
      (stream) => reset(stream, 0x1),
      (stream) => concat(windowUpdate(stream, 0), priority(stream, hex('00000001'))),
    );
    expect(run(steps).map((e) => e.control)).toEqual(['resets', 'resets', 'resets']);
  });

  it('remembers the client’s latest 128 ended streams: DATA on one ended longer ago is not counted', () => {
    // DATA (without END_STREAM) on the stream `back` requests before; before that, on a stream never opened.
    const data = (back: number) => (stream: number) =>
      frame(0x0, 0, stream > 2 * back ? stream - 2 * back : stream + 100_000, hex('61'));
    // 128 back: the GET just sent and the 127 before it are remembered, not the one before them.
    expect(run(streams(400, data(128)))).toEqual([]);
    // 127 back, from the 128th stream on: 273 of them.
    expect(run(streams(400, data(127))).map((e) => [e.control, e.count])).toEqual([
      ['stream-errors', 64],
      ['stream-errors', 128],
      ['stream-errors', 256],
    ]);
  });

  it('after an h2c upgrade, stream 1 was the client’s whole request: DATA on it is counted', () => {
    const session = createHttp2Session({ method: 'GET', target: '/', forwarding: [] });
    const out: ProtocolEvent[] = [];
    session.feed(preface, 'to-server', 0, out);
    for (let i = 0; i < 64; i++) session.feed(frame(0x0, 0, 1, hex('61')), 'to-server', 1 + i, out);
    expect(told(out.filter((e): e is Http2ControlEvent => e.kind === 'http2-control'))).toEqual([
      ['to-server', 'stream-errors', 64, 1, 64, 1, { 'DATA after END_STREAM': 64 }],
    ]);
  });
});
