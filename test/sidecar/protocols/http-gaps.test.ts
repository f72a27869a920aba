/**
 * HTTP/1 after lost octets (a reassembly gap, ADR 34): what the loss cut is told with what was seen of it; a loss
 * inside a body whose end is known is skipped and reading stays in frame; any other loss makes each side find its
 * next message again, and answers are paired with requests only as far as the loss leaves that known.
 */
import { describe, expect, it } from 'vitest';
import { ascii } from '#test/fixtures/protocols/protocol-harness.ts';
import { named, requests, responses, runSteps, type Step, text } from './http-gap-steps.ts';

const get = (path: string, xff: string) =>
  `GET ${path} HTTP/1.1\r\nHost: shop\r\nX-Forwarded-For: ${xff}\r\nCookie: s=1\r\n\r\n`;
const refused = 'HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n';
const long = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789';
const upload = 'POST /upload HTTP/1.1\r\nHost: shop\r\nContent-Length: 30\r\n\r\n0123456789';

describe('HTTP/1 octets lost inside a body whose end is known', () => {
  it('on the client side are skipped: the next request is read where the body ends, and answers stay paired', () => {
    const events = runSteps([
      ['to-server', ascii(upload)],
      { gap: 'to-server', lost: 10 },
      // The body's last 10 octets, and the next request right after them: no line end to resynchronise on.
      ['to-server', ascii(`abcdefghij${get('/b', '198.51.100.7')}`)],
      ['to-client', ascii(refused.repeat(2))],
    ]);
    expect(requests(events).map((r) => [r.path, text(r.body), r.bodyTruncated])).toEqual([
      // Told at the loss, with the body seen before it.
      ['/upload', '0123456789', true],
      ['/b', '', false],
    ]);
    expect(responses(events).map((r) => r.request?.target)).toEqual(['/upload', '/b']);
  });

  it('inside a chunk, and when they end exactly where the body does, are skipped the same way', () => {
    const chunked = 'PUT /f HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n0123456789';
    expect(
      named([
        ['to-server', ascii(chunked)],
        // 20 octets in the chunk (0x14): 10 seen, 5 lost, 5 after.
        { gap: 'to-server', lost: 5 },
        ['to-server', ascii(`abcde\r\n0\r\n\r\n${get('/b', '198.51.100.7')}`)],
        ['to-server', ascii('POST /c HTTP/1.1\r\nContent-Length: 20\r\n\r\n0123456789')],
        { gap: 'to-server', lost: 10 },
        ['to-server', ascii(get('/d', '192.0.2.1'))],
        ['to-client', ascii(refused.repeat(4))],
      ]),
    ).toEqual(['/f', '/b', '/c', '/d']);
  });

  it('on the server side keep the answers after them paired; the answer they cut is told at the loss', () => {
    const events = runSteps([
      ['to-server', ascii(`${get('/a', '203.0.113.9')}${get('/b', '198.51.100.7')}`)],
      ['to-client', ascii(long)],
      { gap: 'to-client', lost: 80 },
      ['to-client', ascii(`abcdefghij${refused}`)],
    ]);
    expect(
      responses(events).map((r) => [r.status, r.request?.target, text(r.body), r.bodyTruncated]),
    ).toEqual([
      [200, '/a', '0123456789', true],
      [401, '/b', '', false],
    ]);
  });

  it('past the end of the body are not known to hold only body: the side resynchronises, unpaired', () => {
    expect(
      named([
        ['to-server', ascii(upload)],
        { gap: 'to-server', lost: 25 },
        ['to-server', ascii(`lost\r\n${get('/b', '198.51.100.7')}`)],
        ['to-client', ascii(refused.repeat(3))],
      ]),
    ).toEqual(['/upload', undefined, undefined]);
  });
});

describe('an HTTP/1 message cut by lost octets', () => {
  it('is told with its head, status and the body seen, marked truncated, a response naming its request', () => {
    const events = runSteps([
      ['to-server', ascii(get('/a', '203.0.113.9'))],
      [
        'to-client',
        ascii(
          'HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 4000\r\n\r\n' +
            'Traceback (most recent call last):',
        ),
      ],
      { gap: 'to-client' },
    ]);
    expect(responses(events)).toMatchObject([
      {
        status: 500,
        headers: [
          ['content-type', 'text/plain'],
          ['content-length', '4000'],
        ],
        bodyTruncated: true,
        request: { target: '/a' },
      },
    ]);
    expect(text(responses(events)[0]?.body ?? new Uint8Array())).toBe('Traceback (most recent call last):');
  });

  it('is told with the whole lines of a head the loss cut', () => {
    const events = runSteps([
      ['to-server', ascii('POST /login HTTP/1.1\r\nHost: shop\r\nContent-Le')],
      { gap: 'to-server' },
      ['to-client', ascii('HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nSet-Coo')],
      { gap: 'to-client' },
    ]);
    expect(events).toMatchObject([
      { kind: 'http-request', path: '/login', headers: [['host', 'shop']], bodyTruncated: true },
      { kind: 'http-response', status: 403, headers: [['content-type', 'text/html']], bodyTruncated: true },
    ]);
  });

  it('is told once: a body already told at the 8 KiB kept is not told again', () => {
    const big = `HTTP/1.1 200 OK\r\nContent-Length: 20000\r\n\r\n${'x'.repeat(9000)}`;
    const events = runSteps([['to-client', ascii(big)], { gap: 'to-client' }]);
    expect(responses(events)).toHaveLength(1);
  });
});

describe('an HTTP/1 response after lost octets of unknown length', () => {
  it('names no request after lost client octets once the requests remembered are answered, for the rest of the connection', () => {
    // A request lost in the gap (from another client, on the proxy's pooled connection) is answered before /b: paired
    // in order, its refusal named /b, and /b's answer named none.
    expect(
      named([
        ['to-server', ascii(get('/a', '203.0.113.9'))],
        { gap: 'to-server' },
        ['to-server', ascii(`lost\r\n${get('/b', '198.51.100.7')}`)],
        ['to-client', ascii(refused.repeat(3))],
        ['to-server', ascii(get('/c', '198.51.100.7'))],
        ['to-client', ascii(refused)],
      ]),
    ).toEqual(['/a', undefined, undefined, undefined]);
  });

  it('names no request after lost server octets that may have held answers to several requests in line', () => {
    // /a's answer is cut (told at the loss), and /b's is lost with it. The queue was emptied and /d remembered in its
    // place: /c's answer named /d.
    expect(
      named([
        [
          'to-server',
          ascii(`${get('/a', '203.0.113.9')}${get('/b', '198.51.100.7')}${get('/c', '192.0.2.1')}`),
        ],
        ['to-client', ascii(long)],
        { gap: 'to-client' },
        ['to-client', ascii(`lost\r\n${refused}`)],
        ['to-server', ascii(get('/d', '192.0.2.2'))],
        ['to-client', ascii(refused.repeat(2))],
      ]),
    ).toEqual(['/a', undefined, undefined, undefined]);
  });

  it('stays paired after lost server octets when none or only the answer being read was in line', () => {
    // One request at a time (a proxy's pooled connection): the octets lost end the answer being read (cut, it is
    // told at the loss), or are no answer.
    const steps: Step[] = [
      ['to-server', ascii(get('/a', '203.0.113.9'))],
      ['to-client', ascii(long)],
      { gap: 'to-client' },
      ['to-client', ascii('rest of the body\r\n')],
      ['to-server', ascii(get('/b', '198.51.100.7'))],
      ['to-client', ascii(refused)],
      { gap: 'to-client' },
      ['to-server', ascii(get('/c', '192.0.2.1'))],
      ['to-client', ascii(`lost\r\n${refused}`)],
    ];
    expect(named(steps)).toEqual(['/a', '/b', '/c']);
  });
});

describe('HTTP/1 octets lost inside an interim (1xx) answer', () => {
  const expect100 = 'POST /a HTTP/1.1\r\nHost: shop\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n';
  const created = 'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n';
  /** A loss inside `100 Continue` (or 103 Early Hints), the body sent, then the final answer. */
  const cut = (interim: string, lost: number): Step[] => [
    ['to-server', ascii(expect100)],
    ['to-client', ascii(interim)],
    { gap: 'to-client', lost },
    ['to-client', ascii('\r\n')],
    ['to-server', ascii('body')],
  ];

  it('leave the request in line: its final answer names it, and the next request its own answer', () => {
    // Taken for the final answer, the cut 100 let the 201 name no request, and the 401 name /b only by luck (when /b
    // was asked before the 201, the 201 named /b). A cut head is told by its whole lines: the 103, not the 100.
    const after: Step[] = [
      ['to-client', ascii(created)],
      ['to-server', ascii(get('/b', '192.0.2.1'))],
      ['to-client', ascii(refused)],
    ];
    const statuses = (steps: Step[]) => responses(runSteps(steps)).map((r) => [r.status, r.request?.target]);
    expect(statuses([...cut('HTTP/1.1 100 Cont', 8), ...after])).toEqual([
      [201, '/a'],
      [401, '/b'],
    ]);
    expect(statuses([...cut('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=pre', 8), ...after])).toEqual([
      [103, '/a'],
      [201, '/a'],
      [401, '/b'],
    ]);
  });

  it("name no request when another was asked before the next answer: the loss may have held the first one's", () => {
    expect(
      named([
        ...cut('HTTP/1.1 100 Cont', 60),
        ['to-server', ascii(get('/b', '192.0.2.1'))],
        ['to-client', ascii(refused.repeat(2))],
      ]),
    ).toEqual([undefined, undefined]);
  });
});

describe('HTTP/1 messages the connection closed on', () => {
  it('are told at the end, cut: a request body and an answer short of their Content-Length', () => {
    const events = runSteps([['to-server', ascii(upload)], ['to-client', ascii(long)], { end: true }]);
    expect(requests(events).map((r) => [r.path, text(r.body), r.bodyTruncated])).toEqual([
      ['/upload', '0123456789', true],
    ]);
    expect(responses(events).map((r) => [r.status, r.request?.target, r.bodyTruncated])).toEqual([
      [200, '/upload', true],
    ]);
  });

  it('a body read until the close is told once, whole; a connection with nothing held tells nothing', () => {
    const events = runSteps([
      ['to-server', ascii(get('/a', '198.51.100.7'))],
      ['to-client', ascii('HTTP/1.0 200 OK\r\n\r\nabc')],
      { end: true },
    ]);
    expect(responses(events).map((r) => [text(r.body), r.bodyTruncated])).toEqual([['abc', false]]);
    expect(runSteps([['to-server', ascii(get('/a', '198.51.100.7'))], { end: true }])).toHaveLength(1);
  });

  it('a body read until the close holds what every call brings, to the bound of its direction', () => {
    // Told with its first call's octets, it lost the rest: 'def' and the 9000 after.
    const answer = runSteps([
      ['to-server', ascii(get('/a', '198.51.100.7'))],
      ['to-client', ascii('HTTP/1.0 200 OK\r\n\r\nabc')],
      ['to-client', ascii('def')],
      ['to-client', ascii('x'.repeat(9000))],
      ['to-client', ascii('more')],
      { end: true },
    ]);
    expect(responses(answer).map((r) => [r.body.length, text(r.body).slice(0, 7), r.bodyTruncated])).toEqual([
      [8192, 'abcdefx', true],
    ]);
    // A request whose Transfer-Encoding does not end in chunked (RFC 9112 §6.3) is read to the close too.
    const request = runSteps([
      ['to-server', ascii('POST /q HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nid=1')],
      ['to-server', ascii(`' OR '1'='1${'y'.repeat(70_000)}`)],
      { end: true },
    ]);
    expect(requests(request).map((r) => [r.body.length, text(r.body).slice(0, 15), r.bodyTruncated])).toEqual(
      [[65536, "id=1' OR '1'='1", true]],
    );
  });
});
