import { describe, expect, it } from 'vitest';
import type { HttpResponseEvent, ProtocolEvent } from '#sidecar/events.ts';
import { createHttpConnection } from '#sidecar/protocols/http-connection.ts';
import { ascii, concat } from '#test/fixtures/protocols/protocol-harness.ts';

const body = (n: number) => new Uint8Array(n).fill(0x62);
const statuses = (events: readonly ProtocolEvent[]) =>
  events.flatMap((e) => (e.kind === 'http-response' ? [(e as HttpResponseEvent).status] : []));

describe('http pass: what of an answer the reader lets pass unread', () => {
  it('lets the rest of a told answer of known length pass, and reads the next answer after it', () => {
    const conn = createHttpConnection();
    conn.parse(ascii('GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n'), 'to-server', 1);
    const first = conn.parse(
      concat(ascii('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n'), body(10_000)),
      'to-client',
      2,
    );
    // Told at its 8 KiB bound; the other 90,000 octets pass.
    expect(statuses(first)).toEqual([200]);
    expect(conn.pass('to-server')).toBe(0);
    expect(conn.pass('to-client')).toBe(90_000);
    expect(conn.pass('to-client')).toBe(0);
    const second = conn.parse(
      ascii('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'),
      'to-client',
      3,
    );
    expect(second).toMatchObject([{ kind: 'http-response', status: 401, request: { target: '/b' } }]);
  });

  it('lets a chunk pass, reading the chunk sizes, and a body read until the close to the end', () => {
    const chunked = createHttpConnection();
    chunked.parse(ascii('GET / HTTP/1.1\r\n\r\n'), 'to-server', 1);
    const head = ascii('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4e20\r\n');
    expect(statuses(chunked.parse(concat(head, body(9000)), 'to-client', 2))).toEqual([200]);
    expect(chunked.pass('to-client')).toBe(20_000 - 9000);
    expect(chunked.parse(ascii('\r\n10\r\n'), 'to-client', 3)).toEqual([]);
    expect(chunked.pass('to-client')).toBe(16);
    const last = ascii('\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n');
    expect(statuses(chunked.parse(last, 'to-client', 4))).toEqual([204]);
    const closing = createHttpConnection();
    closing.parse(ascii('GET / HTTP/1.0\r\n\r\n'), 'to-server', 1);
    closing.parse(concat(ascii('HTTP/1.0 200 OK\r\n\r\n'), body(9000)), 'to-client', 2);
    expect(closing.pass('to-client')).toBe(Number.POSITIVE_INFINITY);
  });

  it('lets nothing pass before the answer is told, nor while a request waits to switch protocols', () => {
    const small = createHttpConnection();
    small.parse(ascii('GET / HTTP/1.1\r\n\r\n'), 'to-server', 1);
    small.parse(concat(ascii('HTTP/1.1 200 OK\r\nContent-Length: 9000\r\n\r\n'), body(4000)), 'to-client', 2);
    expect(small.pass('to-client')).toBe(0);
    // An h2c upgrade the server declines: its answer's end releases what the client sent behind the request.
    const upgrade = createHttpConnection();
    upgrade.parse(ascii('GET / HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n'), 'to-server', 1);
    upgrade.parse(
      concat(ascii('HTTP/1.1 200 OK\r\nContent-Length: 20000\r\n\r\n'), body(9000)),
      'to-client',
      2,
    );
    expect(upgrade.pass('to-client')).toBe(0);
  });
});
