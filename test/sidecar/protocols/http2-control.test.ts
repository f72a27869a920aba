/**
 * The HTTP/2 parser's count of frames that make a server work without a request (RFC 9113 §10.5), from frames built
 * per the RFC: resets of unanswered streams, PING, SETTINGS and empty frames told at 64 and each doubling, a header
 * block that runs on told once, and a block that decodes to far more than it is.
 */
import { describe, expect, it } from 'vitest';
import type { Http2ControlEvent, HttpRequestEvent, ProtocolEvent } from '#sidecar/events.ts';
import { http2 } from '#sidecar/protocols/http2.ts';
import { ascii, concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { HpackTableModel, hpackBlock } from './hpack-encoder.ts';
import { frame, getBlock, preface } from './http2-frames.ts';

const headers = (stream: number) => frame(0x1, 0x5, stream, getBlock); // END_STREAM | END_HEADERS
const cancel = (stream: number) => frame(0x3, 0, stream, hex('00000008')); // RST_STREAM CANCEL
const ok = (stream: number) => frame(0x1, 0x5, stream, hex('88')); // :status 200

type Step = ['to-server' | 'to-client', Uint8Array, number];

const run = (steps: readonly Step[]): Http2ControlEvent[] => {
  const parser = http2.createParser();
  const events: ProtocolEvent[] = [];
  for (const [direction, bytes, ts] of steps) events.push(...parser.parse(bytes, direction, ts));
  return events.filter((e): e is Http2ControlEvent => e.kind === 'http2-control');
};

const told = (events: readonly Http2ControlEvent[]) =>
  events.map((e) => [e.direction, e.control, e.count, e.since, e.ts, e.streams]);

describe('HTTP/2 frames that cost a server work', () => {
  it('counts the client resets of unanswered streams, told at 64, 128 and 256 (Rapid Reset)', () => {
    const steps: Step[] = [['to-server', preface, 0]];
    for (let i = 0; i < 300; i++) {
      const stream = 1 + 2 * i;
      steps.push(['to-server', concat(headers(stream), cancel(stream)), 10 + i]);
    }
    expect(told(run(steps))).toEqual([
      ['to-server', 'resets', 64, 10, 73, 64],
      ['to-server', 'resets', 128, 10, 137, 128],
      ['to-server', 'resets', 256, 10, 265, 256],
    ]);
  });

  it('does not count a reset of a stream the server already answered, nor the server resetting', () => {
    const steps: Step[] = [['to-server', preface, 0]];
    for (let i = 0; i < 300; i++) {
      const stream = 1 + 2 * i;
      steps.push(['to-server', headers(stream), 10 + i], ['to-client', ok(stream), 10 + i]);
      steps.push(['to-server', cancel(stream), 10 + i], ['to-client', cancel(stream), 10 + i]);
    }
    expect(run(steps)).toEqual([]);
  });

  it('counts PING and SETTINGS frames but not their acknowledgements, and empty DATA without END_STREAM', () => {
    const steps: Step[] = [['to-server', preface, 0]];
    for (let i = 0; i < 64; i++) {
      steps.push(['to-server', frame(0x6, 0, 0, new Uint8Array(8)), 100 + i]);
      steps.push(['to-server', frame(0x4, 0, 0), 100 + i]);
      steps.push(['to-client', frame(0x6, 0x1, 0, new Uint8Array(8)), 100 + i]);
      steps.push(['to-client', frame(0x4, 0x1, 0), 100 + i]);
    }
    steps.push(['to-server', frame(0x1, 0x4, 1, getBlock), 200]); // a POST's HEADERS without END_STREAM
    for (let i = 0; i < 64; i++) steps.push(['to-server', frame(0x0, 0, 1), 300 + i]);
    steps.push(['to-server', frame(0x0, 0x1, 1), 400]); // the empty DATA that ends the stream is not counted
    expect(told(run(steps))).toEqual([
      ['to-server', 'pings', 64, 100, 163, 0],
      ['to-server', 'settings', 64, 100, 163, 0],
      ['to-server', 'empty-frames', 64, 300, 363, 1],
    ]);
  });

  it('tells a header block of 32 CONTINUATION frames once (the CONTINUATION flood), and reads on', () => {
    const steps: Step[] = [['to-server', concat(preface, frame(0x1, 0x1, 1, hex('82'))), 5]]; // END_STREAM
    for (let i = 0; i < 40; i++) steps.push(['to-server', frame(0x9, 0, 1, hex('86')), 6 + i]);
    steps.push(['to-server', frame(0x9, 0x4, 1, hex('84')), 50]);
    const parser = http2.createParser();
    const events = steps.flatMap(([direction, bytes, ts]) => parser.parse(bytes, direction, ts));
    expect(told(events.filter((e): e is Http2ControlEvent => e.kind === 'http2-control'))).toEqual([
      ['to-server', 'continuation', 32, 5, 37, 0],
    ]);
    expect(events.filter((e) => e.kind === 'http2-control')[0]).toMatchObject({ octets: 33 });
    // The block ended and was read: its request is told.
    expect(events.some((e) => e.kind === 'http-request' && e.method === 'GET')).toBe(true);
  });

  it('tells a header block past the 1 MiB read with its octets, as the side stops being read, after the flood', () => {
    // 16 000-octet fragments of index 6 (:scheme http): the 66th frame takes the block to 1 056 000 octets.
    const big = new Uint8Array(16_000).fill(0x86);
    const steps: Step[] = [['to-server', concat(preface, frame(0x1, 0, 1, big)), 5]];
    for (let i = 0; i < 70; i++) steps.push(['to-server', frame(0x9, 0, 1, big), 6 + i]);
    const events = run(steps);
    expect(events.map((e) => [e.control, e.count, e.octets, e.stopped])).toEqual([
      ['continuation', 32, 33 * 16_000, undefined],
      ['continuation', 65, 66 * 16_000, true],
    ]);
  });

  it('reads on through a header block of 80 000 octets in 16 000-octet frames, past the 64 KiB it once stopped at', () => {
    const model = new HpackTableModel();
    const { block } = hpackBlock(model, [
      { kind: 'indexed', index: 2 }, // :method GET
      { kind: 'indexed', index: 4 }, // :path /
      { kind: 'incremental', name: 1, value: 'a', huffman: false }, // :authority a, now index 62
      { kind: 'without', name: 'x-pad', value: 'p'.repeat(79_980), huffman: false },
    ]);
    const steps: Step[] = [['to-server', concat(preface, frame(0x1, 0x1, 1, block.subarray(0, 16_000))), 5]];
    for (let at = 16_000; at < block.length; at += 16_000) {
      const last = at + 16_000 >= block.length;
      steps.push(['to-server', frame(0x9, last ? 0x4 : 0, 1, block.subarray(at, at + 16_000)), 6]);
    }
    steps.push(['to-server', frame(0x1, 0x5, 3, hex('82 84 be')), 10]); // the next request names `a` by index 62
    const parser = http2.createParser();
    const events = steps.flatMap(([direction, bytes, ts]) => parser.parse(bytes, direction, ts));
    expect(events.filter((e) => e.kind === 'http2-control')).toEqual([]);
    const authority = (e: HttpRequestEvent) => e.headers.find((h) => h[0] === ':authority')?.[1];
    const requests = events.flatMap((e) =>
      e.kind === 'http-request' ? [[e.method, e.path, authority(e)]] : [],
    );
    expect(requests).toEqual([
      ['GET', '/', 'a'],
      ['GET', '/', 'a'],
    ]);
  });

  it('tells a header block that decodes to 64 KiB and more, at 16 times its size (HPACK bomb)', () => {
    // One 4000-octet literal indexed into the dynamic table (a 4096-octet table holds it), then referenced as index 62
    // (0xbe) 20 times in the next block: 81 octets decode to 20 × (3 + 4000 + 32).
    const name = ascii('big');
    const value = new Uint8Array(4000).fill(0x61);
    const insert = concat(hex('40 03'), name, hex('7f a1 1e'), value); // 4000 = 127 + 3873 (0xa1 0x1e)
    const bomb = new Uint8Array(20).fill(0xbe);
    const events = run([
      ['to-server', concat(preface, frame(0x1, 0x5, 1, insert)), 5],
      ['to-server', frame(0x1, 0x5, 3, bomb), 6],
    ]);
    expect(told(events)).toEqual([['to-server', 'hpack-expansion', 1, 6, 6, 1]]);
    expect(events[0]).toMatchObject({ octets: 20, decoded: 20 * 4035 });
  });
});
