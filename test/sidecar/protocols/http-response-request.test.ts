/**
 * A response names the request it answers (ADR 28): its method, target and forwarding headers, so a detector that
 * counts refusals (401, 403) can count them by the client a proxy named for that request. HTTP/1 pairs in order
 * (pipelined requests included), HTTP/2 by stream, whatever order the answers come in.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { HttpRequestEvent, HttpResponseEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import { forwardedClient } from '#sidecar/protocols/http-forwarded.ts';
import { http2 } from '#sidecar/protocols/http2.ts';
import { trustedProxies } from '#sidecar/protocols/trusted-proxies.ts';
import { ascii, concat, feed, hex, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { http2Ask, recordHttp2 } from './http2-recording.ts';

const responses = (events: unknown[]): HttpResponseEvent[] =>
  events.filter((e): e is HttpResponseEvent => (e as { kind: string }).kind === 'http-response');

const get = (path: string, xff: string) =>
  `GET ${path} HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: ${xff}\r\nCookie: s=1\r\n\r\n`;

describe('an HTTP/1 response', () => {
  it('names its request, pipelined requests each their own, with only the forwarding headers kept (names lowercased by the parser)', () => {
    const segments: Segment[] = [
      [
        'to-server',
        ascii(
          `${get('/a', '203.0.113.9')}${get('/b', '198.51.100.7')}HEAD /c HTTP/1.1\r\nHost: shop\r\n\r\n`,
        ),
      ],
      [
        'to-client',
        ascii(
          'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n' +
            'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno' +
            'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n',
        ),
      ],
    ];
    const answers = responses(feed(http, segments));
    expect(answers.map((r) => [r.status, r.request])).toEqual([
      [401, { method: 'GET', target: '/a', forwarding: [['x-forwarded-for', '203.0.113.9']] }],
      [100, { method: 'GET', target: '/b', forwarding: [['x-forwarded-for', '198.51.100.7']] }],
      [403, { method: 'GET', target: '/b', forwarding: [['x-forwarded-for', '198.51.100.7']] }],
      // HEAD's response has no body though it says 100 octets: the pairing is what tells the framing.
      [200, { method: 'HEAD', target: '/c', forwarding: [] }],
    ]);
  });

  it('names no request when the flow was picked up after it (a response first)', () => {
    const answers = responses(
      feed(http, [['to-client', ascii('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n')]]),
    );
    expect(answers).toHaveLength(1);
    expect(answers[0]?.request).toBeUndefined();
  });

  it('names no request for answers to requests past the 64 remembered, nor pairs one with a later request', () => {
    // 65 pipelined, the 65th not remembered; the first answered, then a 66th sent. Remembering the 66th in the
    // 65th's place named /66 (and its client) on the 65th answer.
    const ask = (i: number) => `GET /${i} HTTP/1.1\r\nX-Forwarded-For: 192.0.2.${i}\r\n\r\n`;
    const answer = 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n';
    const segments: Segment[] = [
      ['to-server', ascii(Array.from({ length: 65 }, (_, i) => ask(i + 1)).join(''))],
      ['to-client', ascii(answer)],
      ['to-server', ascii(ask(66))],
      // In two segments: a parse call gives at most 64 events.
      ['to-client', ascii(answer.repeat(33))],
      ['to-client', ascii(answer.repeat(32))],
      ['to-server', ascii(ask(67))],
      ['to-client', ascii(answer)],
    ];
    const answers = responses(feed(http, segments));
    expect(answers.map((r) => r.request?.target)).toEqual([
      ...Array.from({ length: 64 }, (_, i) => `/${i + 1}`),
      undefined,
      undefined,
      // Every request past the bound answered, the next is remembered again.
      '/67',
    ]);
  });
});

describe('the answer to an h2c upgrade', () => {
  it('on stream 1 names the HTTP/1.1 request that asked for the upgrade (RFC 7540 §3.2), its forwarding headers too', () => {
    /** An HTTP/2 frame (RFC 9113 §4.1): length, type, flags, stream, payload. */
    const frame = (type: number, flags: number, stream: number, payload: string) =>
      concat(
        hex(`${(payload.replace(/\s/g, '').length / 2).toString(16).padStart(6, '0')} 0${type} 0${flags}`),
        hex(stream.toString(16).padStart(8, '0')),
        hex(payload),
      );
    const upgrade =
      'GET /login HTTP/1.1\r\nHost: shop\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n' +
      'HTTP2-Settings: AAMAAABkAAQAAP__\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n';
    const events = feed(http, [
      ['to-server', ascii(upgrade)],
      [
        'to-client',
        concat(
          ascii('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'),
          frame(4, 0, 0, ''),
          // HEADERS, END_STREAM and END_HEADERS, on stream 1: :status 401 (a literal with the static name 8).
          frame(1, 5, 1, '48 03 343031'),
        ),
      ],
      // The client preface, then a request on stream 3: GET http / www.example.com (RFC 7541 C.3.1).
      [
        'to-server',
        concat(
          ascii('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
          frame(4, 0, 0, ''),
          frame(1, 5, 3, '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'),
        ),
      ],
      ['to-client', frame(1, 5, 3, '88')],
    ]);
    const asked = { method: 'GET', target: '/login', forwarding: [['x-forwarded-for', '203.0.113.9']] };
    expect(responses(events).map((r) => [r.version, r.status, r.streamId, r.request])).toEqual([
      ['1.1', 101, undefined, asked],
      ['2', 401, 1, asked],
      ['2', 200, 3, { method: 'GET', target: '/', forwarding: [] }],
    ]);
  });
});

describe('an HTTP/2 response', () => {
  it('names the request of its own stream when the answers come in another order (node:http2, recorded)', async () => {
    // The first request is answered last: pairing by order would give each the other's client.
    const held: (() => void)[] = [];
    const segments = await recordHttp2(
      (stream, headers) => {
        const answer = () => {
          stream.respond({ ':status': headers[':path'] === '/slow' ? 401 : 403 });
          stream.end();
        };
        if (headers[':path'] === '/slow') held.push(answer);
        else {
          answer();
          for (const release of held.splice(0)) release();
        }
      },
      async (client) => {
        const ask = (path: string, xff: string) =>
          http2Ask(client, { ':path': path, 'x-forwarded-for': xff, forwarded: 'for=192.0.2.1' });
        const slow = ask('/slow', '203.0.113.9');
        await new Promise((resolve) => setTimeout(resolve, 50));
        await Promise.all([slow, ask('/fast', '198.51.100.7')]);
      },
    );
    const answers = responses(feed(http2, segments));
    expect(answers.map((r) => [r.status, r.request?.target, r.request?.forwarding])).toEqual([
      [
        403,
        '/fast',
        [
          ['x-forwarded-for', '198.51.100.7'],
          ['forwarded', 'for=192.0.2.1'],
        ],
      ],
      [
        401,
        '/slow',
        [
          ['x-forwarded-for', '203.0.113.9'],
          ['forwarded', 'for=192.0.2.1'],
        ],
      ],
    ]);
  });
});

describe('forwarding headers as the parsers keep them', () => {
  const cluster = trustedProxies(['10.0.0.0/8']);
  const requests = (events: unknown[]): HttpRequestEvent[] =>
    events.filter((e): e is HttpRequestEvent => (e as { kind: string }).kind === 'http-request');
  /** The client each event names, the request's own headers first, then its response's. */
  const named = (events: unknown[]) => [
    ...requests(events).map((r) => forwardedClient(r.headers, cluster)?.ip),
    ...responses(events).map((r) => forwardedClient(r.request?.forwarding ?? [], cluster)?.ip),
  ];

  it("HTTP/1: keep the proxy's entry after a client's 1 KiB of its own, and its own line after 128 others", () => {
    // Values of other headers are cut to their first 1 KiB; that kept the client's forged entry and dropped the one
    // the proxy appended. A proxy that adds its own line (HAProxy) adds it last: past the 128 headers kept.
    const padded = `${'198.18.0.1, '.repeat(84)}2001:db8::a:1000, 203.0.113.9`;
    const junk = Array.from({ length: 130 }, (_, i) => `X-Pad-${i}: ${i}\r\n`).join('');
    const segments: Segment[] = [
      [
        'to-server',
        ascii(
          `GET /a HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: ${padded}\r\n\r\n` +
            `GET /b HTTP/1.1\r\nX-Forwarded-For: 192.0.2.66\r\n${junk}X-Forwarded-For: 203.0.113.7\r\n\r\n`,
        ),
      ],
      ['to-client', ascii(`${'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'.repeat(2)}`)],
    ];
    expect(named(feed(http, segments))).toEqual(['203.0.113.9', '203.0.113.7', '203.0.113.9', '203.0.113.7']);
  });

  it('HTTP/1: a folded line continues the header it follows, and one after a header not kept is no header', () => {
    const junk = Array.from({ length: 130 }, (_, i) => `X-Pad-${i}: ${i}\r\n`).join('');
    const segments: Segment[] = [
      [
        'to-server',
        ascii(
          `GET /a HTTP/1.1\r\nX-Forwarded-For: 192.0.2.66,\r\n 203.0.113.9\r\n\r\n` +
            `GET /b HTTP/1.1\r\n${junk}X-Trailing: a\r\n X-Forwarded-For: 192.0.2.66\r\n\r\n`,
        ),
      ],
    ];
    expect(named(feed(http, segments))).toEqual(['203.0.113.9', undefined]);
  });

  it("HTTP/2: keep the proxy's entry after a client's 1 KiB of its own (node:http2, recorded)", async () => {
    const segments = await recordHttp2(
      (stream) => {
        stream.respond({ ':status': 401 });
        stream.end();
      },
      (client) =>
        http2Ask(client, {
          ':path': '/login',
          'x-forwarded-for': `${'198.18.0.1, '.repeat(84)}2001:db8::a:1000, 203.0.113.9`,
        }),
    );
    expect(named(feed(http2, segments))).toEqual(['203.0.113.9', '203.0.113.9']);
  });
});

describe('an HTTP/2 request with trailers', () => {
  it('takes no forwarding header from its trailers (RFC 9110 §6.5.1: not merged into the header section)', async () => {
    // A proxy writes the request's header section; trailers come from the client, after it: read as one list,
    // a client's trailer was the rightmost entry, the client a finding on the request named.
    const segments = await recordHttp2(
      (stream) => {
        stream.resume();
        stream.on('end', () => {
          stream.respond({ ':status': 200 });
          stream.end();
        });
      },
      async (client) => {
        const request = client.request(
          { ':method': 'POST', ':path': '/upload', 'x-forwarded-for': '203.0.113.9' },
          { waitForTrailers: true },
        );
        request.on('wantTrailers', () =>
          request.sendTrailers({ 'x-forwarded-for': '192.0.2.66', 'x-checksum': 'a' }),
        );
        request.end('data');
        request.resume();
        await once(request, 'end');
      },
    );
    const events = feed(http2, segments);
    const sent = events.find((e): e is HttpRequestEvent => (e as { kind: string }).kind === 'http-request');
    expect(sent?.headers).toContainEqual(['x-checksum', 'a']);
    expect(forwardedClient(sent?.headers ?? [])?.ip).toBe('203.0.113.9');
  });
});
