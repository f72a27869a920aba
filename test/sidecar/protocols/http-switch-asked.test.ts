/**
 * What an HTTP/1 client sends behind a CONNECT or an Upgrade request before the answer is held until it comes: read
 * inside the tunnel when the answer opens one (each chunk at its time, each loss in its place), read as HTTP requests
 * when it does not.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { ascii, concat, feed } from '#test/fixtures/protocols/protocol-harness.ts';

const http = protocols.find((p) => p.id === 'http') as Protocol;
const connect = ascii('CONNECT cache:6379 HTTP/1.1\r\nHost: cache:6379\r\n\r\n');
const established = ascii('HTTP/1.1 200 Connection established\r\n\r\n');
const config = ascii('*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n$10\r\n/root/.ssh\r\n');
const injection = ascii("GET /?id=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: a\r\n\r\n");
const upgrade = ascii('GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');

/** Each event as a word: a request's target, an answer's status, an operation's name, or its kind. */
const words = (events: readonly unknown[]) =>
  (events as ProtocolEvent[]).map((e) =>
    e.kind === 'http-request'
      ? e.target
      : e.kind === 'http-response'
        ? e.status
        : e.kind === 'operation'
          ? e.operation
          : e.kind,
  );

describe("what a client sends behind a CONNECT, before the proxy's answer", () => {
  it('is read inside the tunnel at the times it came, what the tunnel tells itself at the answer', () => {
    const parser = http.createParser();
    expect(words(parser.parse(concat(connect, config), 'to-server', 1))).toEqual(['cache:6379']);
    const events = parser.parse(established, 'to-client', 2);
    expect(events.slice(1)).toMatchObject([
      { kind: 'operation', operation: 'tunnel redis', ts: 2 },
      { kind: 'redis-command', command: 'CONFIG', ts: 1 },
    ]);
  });

  it('is held as it is: octets with a blank line in them are not read as an HTTP head', () => {
    // A Redis value of two line feeds: read as HTTP, the blank line ended a head with no request line.
    const set = ascii('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n\n\n\r\n');
    const events = feed(http, [
      ['to-server', concat(connect, set)],
      ['to-client', established],
    ]);
    expect(words(events)).toEqual(['cache:6379', 200, 'tunnel redis', 'redis-command']);
  });

  it('is held to 4 KiB when it starts with no request, the rest told to the tunnel as lost', () => {
    const events = feed(http, [
      ['to-server', concat(connect, config, new Uint8Array(5000).fill(0x78))],
      ['to-client', established],
    ]);
    expect(words(events)).toEqual(['cache:6379', 200, 'tunnel redis', 'redis-command']);
  });

  it('tells a loss among it to the tunnel in its place: a body of known length stays in frame', () => {
    const parser = http.createParser();
    const events: ProtocolEvent[] = [];
    events.push(
      ...parser.parse(ascii('CONNECT backend:80 HTTP/1.1\r\nHost: backend\r\n\r\n'), 'to-server', 1),
    );
    events.push(
      ...parser.parse(ascii('POST /a HTTP/1.1\r\nHost: b\r\nContent-Length: 10\r\n\r\n12'), 'to-server', 2),
    );
    events.push(...(parser.gap('to-server', 4) ?? []));
    events.push(...parser.parse(concat(ascii('7890'), injection), 'to-server', 3));
    events.push(...parser.parse(established, 'to-client', 4));
    expect(words(events)).toEqual(['backend:80', 200, 'tunnel http', '/a', "/?id=1'%20OR%20'1'='1"]);
  });
});

describe('what a client sends behind an Upgrade request the server does not switch for', () => {
  it('is read as requests once the answer comes, a blank line before them skipped (RFC 9112 §2.2)', () => {
    const events = feed(http, [
      ['to-server', concat(upgrade, ascii('\r\n'), injection)],
      ['to-client', ascii('HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n')],
      ['to-client', ascii('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')],
    ]);
    expect(words(events)).toEqual(['/chat', 426, "/?id=1'%20OR%20'1'='1", 200]);
    expect(events[3]).toMatchObject({ request: { target: "/?id=1'%20OR%20'1'='1" } });
  });

  it('is read at once past the bound when it starts with a request: a bound must not drop requests', () => {
    const body = 'x'.repeat(5000);
    const post = ascii(`POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    const events = feed(http, [['to-server', concat(upgrade, post, injection)]]);
    expect(words(events)).toEqual(['/chat', '/a', "/?id=1'%20OR%20'1'='1"]);
  });

  it('is read as requests when the connection ends with no answer (one side captured)', () => {
    const parser = http.createParser();
    const events = parser.parse(concat(upgrade, injection), 'to-server', 1);
    events.push(...(parser.end?.() ?? []));
    expect(words(events)).toEqual(['/chat', "/?id=1'%20OR%20'1'='1"]);
  });
});
