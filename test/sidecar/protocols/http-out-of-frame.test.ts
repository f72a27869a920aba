/**
 * HTTP/1 octets where a message should start that start none: line ends a server skips (RFC 9112 §2.2), the rest of a
 * body longer than its framing said, or a head past 64 KiB whose first line is no start line. None is told as a
 * message, and the side finds its next request or status line.
 */
import { describe, expect, it } from 'vitest';
import { ascii } from '#test/fixtures/protocols/protocol-harness.ts';
import { requests, responses, runSteps } from './http-gap-steps.ts';

const injection = "GET /?id=1'%20OR%201=1 HTTP/1.1\r\nHost: shop\r\n\r\n";
const failed = 'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n';

describe('HTTP/1 octets that start no message', () => {
  it('skips line ends before a request line, as nginx and Node do: a CRLF after a body stopped the side', () => {
    const events = runSteps([
      ['to-server', ascii(`POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi\r\n${injection}`)],
      ['to-server', ascii(`\n\r\n${injection}`)],
    ]);
    expect(requests(events).map((r) => r.target)).toEqual(['/x', "/?id=1'%20OR%201=1", "/?id=1'%20OR%201=1"]);
  });

  it('finds the next answer after a body longer than its length said: it stopped the side, or made an answer', () => {
    for (const extra of ['XX', 'X Y']) {
      const events = runSteps([
        ['to-server', ascii('GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n')],
        ['to-client', ascii(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi${extra}\r\n\r\n${failed}`)],
      ]);
      // The extra octets may have been /b's answer: the 500 names no request.
      expect(
        responses(events).map((r) => [r.status, r.request?.target]),
        extra,
      ).toEqual([
        [200, '/a'],
        [500, undefined],
      ]);
    }
  });

  it('tells no message for a head past 64 KiB whose first line is no start line, and reads on', () => {
    const lines = 'x y: zz\r\n'.repeat(8000);
    const events = runSteps([
      ['to-server', ascii(`POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi${lines}\r\n${injection}`)],
      ['to-client', ascii(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi${lines}${failed}`)],
    ]);
    expect(requests(events).map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(responses(events).map((r) => r.status)).toEqual([200, 500]);
  });

  it('still reads requests with methods it does not know, and heads past 64 KiB that start with one', () => {
    // Whole lines to the 64 KiB's last octet: the line end put after them fell past the bound, and nothing was told.
    const start = 'PURGE /cache HTTP/1.1\r\nHost: shop\r\n';
    const pad = `X-Pad: ${'p'.repeat(65_536 - start.length - 'X-Pad: \r\n'.length)}\r\n`;
    const big = `${start}${pad}X-More: ${'q'.repeat(9000)}\r\n\r\n`;
    const events = runSteps([
      ['to-server', ascii(`PURGE /a HTTP/1.1\r\nHost: shop\r\n\r\n${big}${injection}`)],
    ]);
    expect(requests(events).map((r) => [r.method, r.target, r.headers.length, r.bodyTruncated])).toEqual([
      ['PURGE', '/a', 1, false],
      ['PURGE', '/cache', 2, true],
      ['GET', "/?id=1'%20OR%201=1", 1, false],
    ]);
  });
});
