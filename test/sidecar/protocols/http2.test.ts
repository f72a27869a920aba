import { describe, expect, it } from 'vitest';
import type { GrpcCallEvent, HttpRequestEvent } from '#sidecar/events.ts';
import { http2 } from '#sidecar/protocols/http2.ts';
import {
  ascii,
  concat,
  contractCheck,
  detectFlow,
  everySplitAgrees,
  feed,
  hex,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { HpackTableModel, hpackBlock } from './hpack-encoder.ts';
import { frame, getBlock, preface } from './http2-frames.ts';
import { http2Ask, recordHttp2 } from './http2-recording.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

/** §6.5 SETTINGS frame: length 6, type 4, flags 0, stream 0; SETTINGS_MAX_CONCURRENT_STREAMS (3) = 100. */
const settings = hex('000006 04 00 00000000 0003 00000064');

// HPACK blocks: a literal content-type header (the RFC 7541 GET block is in http2-frames.ts).
/** :method POST (3), :scheme http (6), :path literal "/helloworld.Greeter/SayHello" (4), content-type literal. */
const grpcBlock = concat(
  hex('83 86 44 1c'),
  ascii('/helloworld.Greeter/SayHello'),
  hex('5f 10'),
  ascii('application/grpc'),
);
/** :status 200 (index 8). */
const okBlock = hex('88');

describe('http2 detect', () => {
  it('matches the client preface, minimal and with frames after it', () => {
    expect(http2.detect(preface, 'to-server')).toBe('match');
    expect(http2.detect(concat(preface, settings), 'to-server')).toBe('match');
  });

  it('matches the server SETTINGS frame and waits on short prefixes', () => {
    expect(http2.detect(settings, 'to-client')).toBe('match');
    expect(http2.detect(hex('000000 04 00 00000000'), 'to-client')).toBe('match');
    expect(http2.detect(preface.subarray(0, 10), 'to-server')).toBe('need-more');
    expect(http2.detect(settings.subarray(0, 5), 'to-client')).toBe('need-more');
    expect(http2.detect(settings.subarray(0, 12), 'to-client')).toBe('need-more');
  });

  it('rejects SETTINGS with an ACK flag, a non-zero stream, a bad length or an invalid value', () => {
    expect(http2.detect(hex('000000 04 01 00000000'), 'to-client')).toBe('no-match');
    expect(http2.detect(hex('000006 04 00 00000001 0003 00000064'), 'to-client')).toBe('no-match');
    expect(http2.detect(hex('000005 04 00 00000000 0003 000000'), 'to-client')).toBe('no-match');
    // SETTINGS_ENABLE_PUSH (2) must be 0 or 1 (RFC 9113 §6.5.2).
    expect(http2.detect(hex('000006 04 00 00000000 0002 00000002'), 'to-client')).toBe('no-match');
  });

  itRejectsForeignBytes(http2, ['http2']);
});

describe('http2 parser', () => {
  const grpcExchange: Segment[] = [
    [
      'to-server',
      concat(preface, settings, frame(1, 0x4, 1, grpcBlock), frame(0, 0x1, 1, hex('0000000002 0a00'))),
    ],
    ['to-client', concat(settings, frame(1, 0x4, 1, okBlock), frame(0, 0, 1, hex('0000000000')))],
    // Trailers (§8.1): literal grpc-status: 0 with incremental indexing, new name (RFC 7541 §6.2.1).
    ['to-client', frame(1, 0x5, 1, concat(hex('40 0b'), ascii('grpc-status'), hex('01 30')))],
    // A second call on stream 3; its response reuses the trailer's dynamic table entry (index 62).
    ['to-server', concat(frame(1, 0x4, 3, grpcBlock), frame(0, 0x1, 3, hex('0000000000')))],
    ['to-client', concat(frame(1, 0x4, 3, okBlock), frame(1, 0x5, 3, hex('be')))],
  ];

  it('emits grpc-call, then the request and the response with stream ids', () => {
    const events = feed(http2, grpcExchange);
    expect(events.map((e) => (e as { kind: string }).kind)).toEqual([
      'grpc-call',
      'http-request',
      'http-response',
      'grpc-call',
      'http-request',
      'http-response',
    ]);
    expect(events[5]).toMatchObject({ streamId: 3, status: 200 });
    expect(events[0]).toMatchObject({ service: 'helloworld.Greeter', method: 'SayHello', streamId: 1 });
    expect(events[1]).toMatchObject({
      method: 'POST',
      path: '/helloworld.Greeter/SayHello',
      version: '2',
      streamId: 1,
    });
    expect((events[1] as HttpRequestEvent).body).toEqual(hex('0000000002 0a00'));
    expect(events[2]).toMatchObject({ status: 200, version: '2', streamId: 1, body: hex('0000000000') });
  });

  it('gives the same events for every split point', () => {
    expect(everySplitAgrees(http2, grpcExchange).mismatch).toBeUndefined();
  });

  it('handles padding, priority, CONTINUATION and several streams in one chunk', () => {
    const padded = concat(hex('03'), hex('80000000 10'), getBlock.subarray(0, 4), hex('000000'));
    const chunk = concat(
      preface,
      frame(1, 0x8 | 0x20 | 0x1, 3, padded), // PADDED + PRIORITY + END_STREAM, block continues
      frame(9, 0x4, 3, getBlock.subarray(4)), // CONTINUATION with END_HEADERS
      frame(1, 0x5, 5, hex('8286 84be')), // second request reuses the dynamic table entry (index 62)
    );
    const events = feed(http2, [['to-server', chunk]]);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ kind: 'http-request', method: 'GET', path: '/', streamId: 3 });
    expect(events[1]).toMatchObject({
      streamId: 5,
      headers: expect.arrayContaining([[':authority', 'www.example.com']]),
    });
  });

  it('returns every request of a chunk as an event (ADR 29), and HPACK stays in sync for the next', () => {
    const parser = http2.createParser();
    // Each request adds ':authority www.example.com' to the dynamic table again (RFC 7541 C.3.1).
    const requests = Array.from({ length: 100 }, (_, i) => frame(1, 0x5, 2 * i + 1, getBlock));
    expect(parser.parse(concat(preface, ...requests), 'to-server', 1)).toHaveLength(100);
    // Index 62 is the newest dynamic entry: only right if every block before was decoded.
    expect(parser.parse(frame(1, 0x5, 301, hex('8286 84be')), 'to-server', 2)).toMatchObject([
      { streamId: 301, headers: expect.arrayContaining([[':authority', 'www.example.com']]) },
    ]);
  });

  it('keeps header values whole in events (a 3000-octet user-agent literal, RFC 7541 §6.2.2; ADR 30)', () => {
    const agent = 'x'.repeat(3000);
    // 0x0f 0x2b: literal without indexing, name index 58 (user-agent) = 15 + 43; length 3000 as a §5.1 integer.
    const block = concat(hex('83 86 84 0f 2b 7f b9 16'), ascii(agent));
    const [request] = feed(http2, [
      ['to-server', concat(preface, frame(1, 0x5, 1, block))],
    ]) as HttpRequestEvent[];
    expect(request?.headers.find(([name]) => name === 'user-agent')?.[1]).toBe('x'.repeat(3000));
  });

  it('reads on past a 200 KiB header block in HEADERS and CONTINUATION frames: the next request is told', () => {
    const model = new HpackTableModel();
    const cookie = `session=${'c'.repeat(200 * 1024)}`;
    const first = hpackBlock(model, [
      { kind: 'indexed', index: 2 }, // :method GET
      { kind: 'indexed', index: 6 }, // :scheme http
      { kind: 'indexed', index: 4 }, // :path /
      { kind: 'incremental', name: 1, value: 'shop.example', huffman: true }, // :authority, now index 62
      { kind: 'without', name: 32, value: cookie, huffman: true }, // cookie (index 32)
    ]).block;
    const second = hpackBlock(model, [
      { kind: 'indexed', index: 2 },
      { kind: 'indexed', index: 6 },
      { kind: 'without', name: 4, value: "/items?id=1' OR 1=1--", huffman: true },
      { kind: 'indexed', index: 62 }, // right only if the first block was decoded
    ]).block;
    const frames = [frame(1, 0x1, 1, first.subarray(0, 16_384))]; // END_STREAM, the block goes on
    for (let at = 16_384; at < first.length; at += 16_384)
      frames.push(frame(9, at + 16_384 >= first.length ? 0x4 : 0, 1, first.subarray(at, at + 16_384)));
    const wire = concat(preface, ...frames, frame(1, 0x5, 3, second));
    // Whole, and in 1000-octet chunks (frames cut anywhere).
    for (const chunks of [
      [wire],
      Array.from({ length: Math.ceil(wire.length / 1000) }, (_, i) =>
        wire.subarray(i * 1000, i * 1000 + 1000),
      ),
    ]) {
      const events = feed(
        http2,
        chunks.map((c): Segment => ['to-server', c]),
      ) as HttpRequestEvent[];
      expect(events.map((e) => [e.kind, e.streamId, e.target])).toEqual([
        ['http-request', 1, '/'],
        ['http-request', 3, "/items?id=1' OR 1=1--"],
      ]);
      // The cookie crosses the 64 KiB of header list kept: its value's start is kept (65 536 - 4 fields before it).
      const kept = events[0]?.headers.find((h) => h[0] === 'cookie')?.[1];
      expect(kept).toBe(
        cookie.slice(0, 65_536 - (7 + 3 + 32) - (7 + 4 + 32) - (5 + 1 + 32) - (10 + 12 + 32) - 38),
      );
      expect(events[1]?.headers).toContainEqual([':authority', 'shop.example']);
    }
  });

  it('reads a header frame past 64 KiB as it comes (a 200 KiB HEADERS frame, padded, with priority), and on after it', () => {
    const model = new HpackTableModel();
    const cookie = `session=${'c'.repeat(200 * 1024)}`;
    const first = hpackBlock(model, [
      { kind: 'indexed', index: 2 },
      { kind: 'indexed', index: 4 },
      { kind: 'incremental', name: 1, value: 'shop.example', huffman: false },
      { kind: 'without', name: 32, value: cookie, huffman: false },
    ]).block;
    const second = hpackBlock(model, [
      { kind: 'indexed', index: 2 },
      { kind: 'without', name: 4, value: "/items?id=1' OR 1=1--", huffman: false },
      { kind: 'indexed', index: 62 },
    ]).block;
    // §6.2: pad length 200, stream dependency and weight, the fragment, 200 octets of padding (0xbe: index 62 if read).
    const padded = concat(hex('c8 80000000 10'), first.subarray(0, 100_000), new Uint8Array(200).fill(0xbe));
    const headers = frame(1, 0x8 | 0x20 | 0x1, 1, padded); // PADDED | PRIORITY | END_STREAM, no END_HEADERS
    const continuation = frame(9, 0x4, 1, first.subarray(100_000)); // a CONTINUATION past 64 KiB too
    const wire = concat(preface, headers, continuation, frame(1, 0x5, 3, second));
    const chunked = Array.from({ length: Math.ceil(wire.length / 1000) }, (_, i) =>
      wire.subarray(i * 1000, i * 1000 + 1000),
    );
    for (const chunks of [[wire], chunked]) {
      const events = feed(
        http2,
        chunks.map((c): Segment => ['to-server', c]),
      ) as HttpRequestEvent[];
      expect(events.map((e) => [e.kind, e.streamId, e.target])).toEqual([
        ['http-request', 1, '/'],
        ['http-request', 3, "/items?id=1' OR 1=1--"],
      ]);
      expect(events[0]?.headers.find((h) => h[0] === 'cookie')?.[1].startsWith('session=ccc')).toBe(true);
      expect(events[1]?.headers).toContainEqual([':authority', 'shop.example']);
    }
  });

  it('stops a side at a header frame past 1 MiB that comes in pieces, and tells it', () => {
    // A frame whole in one chunk is read in place, whatever its size; one in pieces is bounded as a block is.
    const huge = frame(1, 0x4, 1, new Uint8Array(1_100_000).fill(0x82));
    const wire = concat(preface, huge, frame(1, 0x5, 3, hex('82 84')));
    const chunks = Array.from(
      { length: Math.ceil(wire.length / 16_384) },
      (_, i): Segment => ['to-server', wire.subarray(i * 16_384, i * 16_384 + 16_384)],
    );
    expect(feed(http2, chunks)).toEqual([
      expect.objectContaining({
        kind: 'http2-control',
        control: 'continuation',
        octets: 1_100_000,
        stopped: true,
      }),
    ]);
  });

  it('bounds request bodies at 64 KiB and marks them truncated', () => {
    const big = new Uint8Array(16000).fill(0x61);
    const data = Array.from({ length: 5 }, () => frame(0, 0x0, 1, big));
    const events = feed(http2, [
      ['to-server', concat(preface, frame(1, 0x4, 1, hex('83 86 84')), ...data, frame(0, 0x1, 1, big))],
    ]);
    expect(events[0]).toMatchObject({ kind: 'http-request', bodyTruncated: true });
    expect((events[0] as HttpRequestEvent).body.length).toBe(65536);
  });

  it('stays in frame across a loss of known length inside a DATA frame; the cut message is told (ADR 34)', () => {
    const parser = http2.createParser();
    const body = frame(0, 0x1, 1, new Uint8Array(10_000).fill(0x61));
    const next = frame(1, 0x5, 3, hex('82 86 84'));
    const first = parser.parse(
      concat(preface, frame(1, 0x4, 1, hex('83 86 84')), body.subarray(0, 3000)),
      'to-server',
      1,
    );
    expect(first).toEqual([]);
    const cut = parser.gap('to-server', 2000) ?? [];
    expect(cut).toMatchObject([{ kind: 'http-request', method: 'POST', streamId: 1, bodyTruncated: true }]);
    const after = parser.parse(concat(body.subarray(5000), next), 'to-server', 2) as HttpRequestEvent[];
    expect(after.map((e) => [e.method, e.streamId])).toEqual([['GET', 3]]);
  });

  it('stops a side on a loss inside a header block, at a frame boundary, or past the frame', () => {
    const headers = frame(1, 0x5, 1, hex('83 86 84 0f 2b 7f b9 16 78 78 78 78'));
    const data = frame(0, 0x1, 1, new Uint8Array(100));
    const cases: [Uint8Array, number][] = [
      [concat(preface, headers.subarray(0, 12)), 2],
      [concat(preface, headers), 5],
      [concat(preface, frame(1, 0x4, 1, hex('83 86 84')), data.subarray(0, 50)), 60],
    ];
    for (const [sent, lost] of cases) {
      const parser = http2.createParser();
      parser.parse(sent, 'to-server', 1);
      parser.gap('to-server', lost);
      expect(parser.parse(frame(1, 0x5, 3, hex('82 86 84')), 'to-server', 2)).toEqual([]);
    }
  });

  it('reads a multipart request on past its 64 KiB for the fields after a long file, and tells it at its end', () => {
    const type = 'multipart/form-data; boundary=----x7';
    const part = (name: string, content: string, filename = '') =>
      `------x7\r\nContent-Disposition: form-data; name="${name}"${filename}\r\n\r\n${content}\r\n`;
    const body = ascii(
      `${part('f', 'A'.repeat(70_000), '; filename="a.bin"')}${part('q', 'field after')}------x7--\r\n`,
    );
    // :method POST, :scheme http, :path /, then content-type (static index 31) as a literal without indexing.
    const block = concat(hex('83 86 84 0f 10'), Uint8Array.of(type.length), ascii(type));
    const frames = [preface, frame(1, 0x4, 1, block)];
    for (let at = 0; at < body.length; at += 16_000) {
      const end = Math.min(body.length, at + 16_000);
      frames.push(frame(0, end === body.length ? 0x1 : 0x0, 1, body.subarray(at, end)));
    }
    const events = feed(http2, [['to-server', concat(...frames)]]) as HttpRequestEvent[];
    expect(events).toHaveLength(1);
    const text = new TextDecoder('latin1').decode(events[0]?.body);
    expect(events[0]?.bodyTruncated).toBe(true);
    expect(text).toContain('name="q"\r\n\r\nfield after');
    expect(text.length).toBeLessThan(66_000);
  });

  it('reads a form request on past its 64 KiB for the fields after it, and tells it at its end (ADR 46)', () => {
    const type = 'application/x-www-form-urlencoded';
    const body = ascii(`pad=${'A'.repeat(70_000)}&q=1%27+OR+1%3D1--`);
    const block = concat(hex('83 86 84 0f 10'), Uint8Array.of(type.length), ascii(type));
    const frames = [preface, frame(1, 0x4, 1, block)];
    for (let at = 0; at < body.length; at += 16_000) {
      const end = Math.min(body.length, at + 16_000);
      frames.push(frame(0, end === body.length ? 0x1 : 0x0, 1, body.subarray(at, end)));
    }
    const events = feed(http2, [['to-server', concat(...frames)]]) as HttpRequestEvent[];
    expect(events).toHaveLength(1);
    expect(events[0]?.bodyTruncated).toBe(true);
    expect(events[0]?.later).toEqual({
      kind: 'form',
      values: [
        ['pad', 'A'.repeat(64)],
        ['q', '1%27+OR+1%3D1--'],
      ],
      unread: 0,
    });
  });

  it('reads frames from one chunk past 128 KiB (a BIG TCP segment of 185 KB, captured whole)', () => {
    const body = new Uint8Array(16000).fill(0x62);
    const frames = [preface];
    for (let stream = 1; stream <= 23; stream += 2)
      frames.push(frame(1, 0x4, stream, hex('82 86 84')), frame(0, 0x1, stream, body));
    const chunk = concat(...frames);
    expect(chunk.length).toBeGreaterThan(190_000);
    const events = feed(http2, [['to-server', chunk]]) as HttpRequestEvent[];
    expect(events.map((e) => e.streamId)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]);
  });

  it('holds at most 256 KiB of request bodies a connection: later streams keep 8 KiB each', () => {
    const big = new Uint8Array(16000).fill(0x61);
    const frames: Uint8Array[] = [preface];
    for (let stream = 1; stream <= 13; stream += 2) {
      frames.push(frame(1, 0x4, stream, hex('83 86 84')));
      for (let n = 0; n < 4; n++) frames.push(frame(0, 0x0, stream, big));
    }
    for (let stream = 1; stream <= 13; stream += 2) frames.push(frame(0, 0x1, stream, new Uint8Array(0)));
    const events = feed(http2, [['to-server', concat(...frames)]]) as HttpRequestEvent[];
    const kept = events.map((e) => [e.streamId ?? 0, e.body.length, e.bodyTruncated] as const);
    expect(kept.sort((a, b) => a[0] - b[0])).toEqual([
      [1, 64000, false],
      [3, 64000, false],
      [5, 64000, false],
      [7, 64000, false],
      [9, 8192, true],
      [11, 8192, true],
      [13, 8192, true],
    ]);
  });

  it('stops a direction on a broken header block and on a gap, without throwing', () => {
    const parser = http2.createParser();
    expect(parser.parse(concat(preface, frame(1, 0x4, 1, hex('80'))), 'to-server', 1)).toEqual([]);
    expect(parser.parse(frame(1, 0x5, 3, getBlock), 'to-server', 2)).toEqual([]);
    const other = http2.createParser();
    other.gap('to-client');
    expect(other.parse(frame(1, 0x5, 1, okBlock), 'to-client', 3)).toEqual([]);
  });

  it('decodes nDPI http2.pcapng (a Go 5G core client and server)', () => {
    const [flow] = ndpiFlows('http2');
    expect(flow && detectFlow(http2, flow.segments)).toBe(true);
    const events = feed(http2, flow?.segments ?? []);
    expect(events[0]).toMatchObject({
      kind: 'http-request',
      method: 'POST',
      path: '/namf-comm/v1/subscriptions',
      streamId: 3,
      headers: expect.arrayContaining([['user-agent', 'OpenAPI-Generator/1.0.0/go']]),
    });
    expect(events[1]).toMatchObject({ kind: 'http-response', status: 201, streamId: 3 });
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(http2, 3, 0x3f44)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(http2, ['to-server', concat(preface, settings)]).randomMatches).toBe(0);
  });
});

describe('http2 on real traffic from node:http2 (nghttp2) on loopback', () => {
  it('identifies and decodes gRPC-style calls with Huffman-coded, indexed headers', async () => {
    const segments = await recordHttp2(
      (stream) => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
        stream.end('reply');
      },
      async (client) => {
        for (const path of ['/shop.Cart/AddItem', '/shop.Cart/GetCart'])
          await http2Ask(
            client,
            { ':method': 'POST', ':path': path, 'content-type': 'application/grpc+proto' },
            'payload',
          );
      },
    );
    expect(detectFlow(http2, segments)).toBe(true);
    const calls = feed(http2, segments).filter((e) => (e as { kind: string }).kind === 'grpc-call');
    expect(calls).toEqual([
      { kind: 'grpc-call', direction: 'to-server', service: 'shop.Cart', method: 'AddItem', streamId: 1 },
      { kind: 'grpc-call', direction: 'to-server', service: 'shop.Cart', method: 'GetCart', streamId: 3 },
    ]);
    expect(
      feed(http2, segments).filter((e) => (e as { kind: string }).kind === 'http-response'),
    ).toHaveLength(2);
  });

  it('reads the request after one with 200 KiB of cookie, its header block in HEADERS and CONTINUATION frames', async () => {
    // nghttp2 takes no single field past 64 KiB (NGHTTP2_HD_MAX_NV), so the cookie goes as four crumbs of 50 KiB, as
    // RFC 9113 §8.2.3 allows; the server is told to take a 1 MiB header list, Go's default.
    const crumbs = Array.from({ length: 4 }, (_, i) => `s${i}=${'c'.repeat(50 * 1024)}`);
    const attack = "/items?id=1'%20OR%201=1--";
    const limits = { maxHeaderListSize: 1 << 20, settings: { maxHeaderListSize: 1 << 20 } };
    const received: number[] = [];
    const segments = await recordHttp2(
      (stream, headers) => {
        received.push(String(headers.cookie ?? '').length);
        stream.respond({ ':status': 200 });
        stream.end('ok');
      },
      async (client) => {
        await http2Ask(client, { ':path': '/', cookie: crumbs });
        await http2Ask(client, { ':path': attack });
      },
      { server: limits, client: { ...limits, maxSendHeaderBlockLength: 1 << 20 } },
    );
    expect(received).toEqual([crumbs.join('; ').length, 0]); // the server had the whole cookie
    // The client's frames (§4.1), after the preface: the block (128 KiB, the cookie Huffman-coded) came as a HEADERS
    // frame and CONTINUATION frames of 16 KiB, past the 64 KiB at which the side used to stop.
    const wire = concat(...segments.filter(([d]) => d === 'to-server').map(([, b]) => b)).subarray(
      preface.length,
    );
    const types: number[] = [];
    for (
      let at = 0;
      at + 9 <= wire.length;
      at += 9 + ((wire[at] ?? 0) << 16) + ((wire[at + 1] ?? 0) << 8) + (wire[at + 2] ?? 0)
    )
      types.push(wire[at + 3] ?? -1);
    expect(types.filter((t) => t === 9).length).toBeGreaterThanOrEqual(4);
    const requests = feed(http2, segments).filter((e) => (e as { kind: string }).kind === 'http-request');
    expect(requests.map((e) => (e as HttpRequestEvent).target)).toEqual(['/', attack]);
    const cookies = (requests[0] as HttpRequestEvent).headers.filter((h) => h[0] === 'cookie');
    expect(cookies.map((h) => h[1].length)).toEqual([crumbs[0]?.length, expect.any(Number)]); // the second crumb cut
  });

  it('keeps the forwarding headers an ingress wrote on the gRPC call, and no other header', async () => {
    const call = { ':method': 'POST', ':path': '/shop.Cart/AddItem', 'content-type': 'application/grpc' };
    const segments = await recordHttp2(
      (stream) => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
        stream.end('reply');
      },
      async (client) => {
        await http2Ask(
          client,
          { ...call, 'x-forwarded-for': '198.51.100.7, 203.0.113.9', 'user-agent': 'grpc-node-js/1.12' },
          'payload',
        );
        await http2Ask(client, {
          ...call,
          forwarded: 'for=203.0.113.9;proto=https',
          'x-real-ip': '203.0.113.9',
        });
        await http2Ask(client, call, 'payload');
      },
    );
    const calls = feed(http2, segments).filter((e) => (e as { kind: string }).kind === 'grpc-call');
    expect(calls.map((e) => (e as GrpcCallEvent).forwarding)).toEqual([
      [['x-forwarded-for', '198.51.100.7, 203.0.113.9']],
      [
        ['forwarded', 'for=203.0.113.9;proto=https'],
        ['x-real-ip', '203.0.113.9'],
      ],
      undefined,
    ]);
  });
});
