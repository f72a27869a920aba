/**
 * MadeYouReset's overflowed window (CVE-2025-8671) told from the client's frames alone, built per RFC 9113: stream
 * increments past 2^31-1 that no DATA the connection's window allowed can have covered are counted, after a long
 * download too; a client that grants window for what it received is left alone, whatever its initial window, however
 * many updates it sends, and so is a connection picked up without its preface.
 */
import { describe, expect, it } from 'vitest';
import type { Http2ControlEvent, ProtocolEvent } from '#sidecar/events.ts';
import { http2 } from '#sidecar/protocols/http2.ts';
import { createHttp2Session } from '#sidecar/protocols/http2-session.ts';
import { concat } from '#test/fixtures/protocols/protocol-harness.ts';
import { frame, getBlock, preface } from './http2-frames.ts';

const maxWindow = 0x7fffffff;
const u32 = (value: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
};
/** SETTINGS with SETTINGS_INITIAL_WINDOW_SIZE (§6.5.2, id 4). */
const initialWindow = (size: number) => frame(0x4, 0, 0, concat(new Uint8Array([0, 4]), u32(size)));
const get = (stream: number) => frame(0x1, 0x5, stream, getBlock); // HEADERS, END_STREAM | END_HEADERS
const status200 = (stream: number) => frame(0x1, 0x4, stream, new Uint8Array([0x88])); // HEADERS, END_HEADERS
const windowUpdate = (stream: number, increment: number) => frame(0x8, 0, stream, u32(increment));
const chunk = new Uint8Array(16_384).fill(0x61);
const data = frame(0x0, 0, 1, chunk);

type Step = ['to-server' | 'to-client', Uint8Array];

const controls = (steps: Iterable<Step>): [string, number, Record<string, number> | undefined][] => {
  const parser = http2.createParser();
  const events: ProtocolEvent[] = [];
  let ts = 0;
  for (const [direction, bytes] of steps) {
    ts += 1;
    events.push(...parser.parse(bytes, direction, ts));
  }
  return events
    .filter((e): e is Http2ControlEvent => e.kind === 'http2-control')
    .map((e) => [e.control, e.count, e.causes]);
};

/**
 * Stream 1 downloads `chunks` DATA frames of 16 KiB, the client granting each back on the stream and the connection
 * as it comes (as nghttp2, Go and node:http2 do, in larger steps); the client's initial window is `initial`.
 */
function* download(chunks: number, initial?: number): Generator<Step> {
  yield ['to-server', concat(preface, initial === undefined ? frame(0x4, 0, 0) : initialWindow(initial))];
  yield ['to-server', get(1)];
  yield ['to-client', concat(frame(0x4, 0, 0), status200(1))];
  for (let i = 0; i < chunks; i++) {
    yield ['to-client', data];
    yield ['to-server', concat(windowUpdate(1, chunk.length), windowUpdate(0, chunk.length))];
  }
}

/** `n` new streams after the download, each a GET and a WINDOW_UPDATE of `increment` on it, as the attack tools do. */
function* overflow(n: number, increment: number): Generator<Step> {
  for (let i = 0; i < n; i++) yield ['to-server', concat(get(3 + 2 * i), windowUpdate(3 + 2 * i, increment))];
}

const past = { 'window past 2^31-1': 64 };

describe('MadeYouReset: stream windows pushed past 2^31-1, from the client’s frames', () => {
  it('counts 300 overflowing updates after a 1 MiB download, once the download’s window is used up', () => {
    // Each update is 65,535 past 2^31-1 on a fresh stream; the connection's window is 65,535 + 1 MiB: the first 17
    // fit in it, the other 283 cannot have been covered by any DATA.
    expect(controls([...download(64), ...overflow(300, maxWindow)])).toEqual([
      ['stream-errors', 64, past],
      ['stream-errors', 128, { 'window past 2^31-1': 128 }],
      ['stream-errors', 256, { 'window past 2^31-1': 256 }],
    ]);
  });

  it('counts small increments on streams whose initial window is already 2^31-1', () => {
    const steps: Step[] = [['to-server', concat(preface, initialWindow(maxWindow))]];
    // 1,024 octets past on each: 63 fit in the connection's 65,535, the 64th passes it: 129 are counted.
    expect(controls([...steps, ...overflow(64 + 128, 1024)])).toEqual([
      ['stream-errors', 64, past],
      ['stream-errors', 128, { 'window past 2^31-1': 128 }],
    ]);
  });

  it('leaves alone a 100 MiB download granted back as it comes, with the default window or 2^31-1', () => {
    expect(controls(download(6400))).toEqual([]);
    expect(controls(download(6400, maxWindow))).toEqual([]);
  });

  it('leaves alone a client that opens each of 300 streams’ windows to 2^31-1 once it has some DATA', () => {
    // nghttp2_session_set_local_window_size-style: the increment is 2^31-1 less what is left of the window.
    const steps: Step[] = [['to-server', concat(preface, frame(0x4, 0, 0))]];
    for (let i = 0; i < 300; i++) {
      const stream = 1 + 2 * i;
      steps.push(
        ['to-server', get(stream)],
        ['to-client', concat(status200(stream), frame(0x0, 0, stream, chunk))],
      );
      steps.push([
        'to-server',
        concat(windowUpdate(stream, maxWindow - (65_535 - chunk.length)), windowUpdate(0, chunk.length)),
      ]);
    }
    expect(controls(steps)).toEqual([]);
  });

  it('leaves alone a gRPC stream of 10,000 messages granted back one by one', () => {
    const steps: Step[] = [
      ['to-server', concat(preface, initialWindow(4 << 20), windowUpdate(0, 1 << 30), get(1))],
    ];
    for (let i = 0; i < 10_000; i++) {
      steps.push(['to-client', frame(0x0, 0, 1, chunk.subarray(0, 100))]);
      steps.push(['to-server', concat(windowUpdate(1, 100), windowUpdate(0, 100))]);
    }
    expect(controls(steps)).toEqual([]);
  });

  it('does not count a connection picked up without its preface: its earlier windows are not known', () => {
    const steps: Step[] = [['to-server', frame(0x4, 0, 0)]];
    expect(controls([...steps, ...overflow(300, maxWindow)])).toEqual([]);
  });

  it('does not count after an h2c upgrade, whose HTTP2-Settings header is not read', () => {
    const session = createHttp2Session({ method: 'GET', target: '/', forwarding: [] });
    const out: ProtocolEvent[] = [];
    session.feed(concat(preface, frame(0x4, 0, 0)), 'to-server', 0, out);
    for (const [direction, bytes] of overflow(300, maxWindow)) session.feed(bytes, direction, 1, out);
    expect(out.filter((e) => e.kind === 'http2-control')).toEqual([]);
  });
});
