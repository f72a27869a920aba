/**
 * What an HTTP/1 CONNECT tunnel carries is read as the protocol its first octets name, among the engine's protocols
 * (the whole registry for a parser made outside one): a plain HTTP request or a Redis command sent through a forward
 * proxy is the flow's event, as TLS hellos were before. A parser that throws inside it ends the tunnel's reading only.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { createTlsStream } from '#sidecar/protocols/tls-stream.ts';
import { ascii, feed, ndpiFlows, type Segment } from '#test/fixtures/protocols/protocol-harness.ts';
import { withBuggyParser } from '#test/helpers/buggy-parser.ts';
import { seededRandom } from '#test/helpers/random.ts';

/** The registry's HTTP, as the engine gives it to a flow (importing the registry names it to tunnels). */
const http = protocols.find((p) => p.id === 'http') as Protocol;
const redis = protocols.find((p) => p.id === 'redis') as Protocol;
const config = ascii('*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n$10\r\n/root/.ssh\r\n');
const names = (events: ProtocolEvent[]) => events.map((e) => (e.kind === 'operation' ? e.operation : e.kind));

const connect = (target: string): Segment[] => [
  ['to-server', ascii(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`)],
  ['to-client', ascii('HTTP/1.1 200 Connection established\r\n\r\n')],
];
const tunnelled = (events: unknown[]) => events.slice(2) as { kind: string }[];

/** A CONNECT tunnel carrying six random chunks either way, some followed by a loss: the events after the CONNECT's. */
const randomTunnel = (random: ReturnType<typeof seededRandom>): ProtocolEvent[] => {
  const parser = http.createParser();
  const events: ProtocolEvent[] = [];
  for (const [d, b] of connect('x:1')) events.push(...parser.parse(b, d, 0));
  for (let i = 0; i < 6; i += 1) {
    const d = random.int(2) === 0 ? 'to-server' : 'to-client';
    events.push(...parser.parse(random.bytes(1 + random.int(8192)), d, i));
    if (random.int(4) === 0) events.push(...(parser.gap(d, random.int(9)) ?? []));
  }
  events.push(...(parser.end?.() ?? []));
  return events.slice(2);
};

describe('an HTTP/1 CONNECT tunnel', () => {
  it('reads a plain HTTP request sent through it as an http-request, and its answer', () => {
    const events = feed(http, [
      ...connect('backend:80'),
      ['to-server', ascii("GET /?q=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: backend\r\n\r\n")],
      ['to-client', ascii('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')],
    ]);
    expect(events.slice(0, 2)).toMatchObject([
      { kind: 'http-request', method: 'CONNECT', target: 'backend:80' },
      { kind: 'http-response', status: 200 },
    ]);
    expect(tunnelled(events)).toMatchObject([
      {
        kind: 'operation',
        protocol: 'http',
        operation: 'tunnel http',
        detail: 'http',
        direction: 'to-server',
      },
      { kind: 'http-request', method: 'GET', target: "/?q=1'%20OR%20'1'='1" },
      { kind: 'http-response', status: 200 },
    ]);
  });

  it('reads a Redis command sent through it as a redis-command, the bytes sent before the answer included', () => {
    const [request, answer] = connect('cache:6379') as [Segment, Segment];
    const config = ascii('*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n$10\r\n/root/.ssh\r\n');
    // The client does not wait for the proxy's answer: its first command is buffered behind the CONNECT.
    const events = feed(http, [
      ['to-server', Uint8Array.from([...request[1], ...config.subarray(0, 9)])],
      answer,
      ['to-server', config.subarray(9)],
      ['to-client', ascii('+OK\r\n')],
    ]);
    expect(tunnelled(events).filter((e) => e.kind === 'redis-command')).toMatchObject([
      { kind: 'redis-command', command: 'CONFIG', args: ['SET', 'dir', '/root/.ssh'] },
    ]);
  });

  it('reads a tunnel inside a tunnel, and stops one deeper', () => {
    const inner = (level: string): Segment[] => [
      ['to-server', ascii(`GET /${level} HTTP/1.1\r\nHost: h\r\n\r\n`)],
      ['to-client', ascii('HTTP/1.1 204 No Content\r\n\r\n')],
    ];
    const events = feed(http, [
      ...connect('proxy2:3128'),
      ...connect('proxy3:3128'),
      ...connect('backend:80'),
      ...inner('third'),
    ]) as { kind: string; target?: string; operation?: string }[];
    expect(events.map((e) => e.target ?? e.operation ?? e.kind)).toEqual([
      'proxy2:3128',
      'http-response',
      'tunnel http',
      'proxy3:3128',
      'http-response',
      'tunnel http',
      'backend:80',
      'http-response',
    ]);
  });

  it('gives the same TLS events as the TLS reader alone, after naming it (nDPI http_connect.pcap)', () => {
    const flow = ndpiFlows('http-connect').find((f) => f.segments.length > 4);
    const segments = flow?.segments ?? [];
    const parser = http.createParser();
    const events = segments.flatMap(([d, b], i) => parser.parse(b, d, 1000 + i));
    const tls = createTlsStream();
    const expected = segments.slice(2).flatMap(([d, b], i) => tls.parse(b, d, 1002 + i));
    expect(expected.some((e) => e.kind === 'tls-client-hello')).toBe(true);
    expect(events[2]).toEqual({
      kind: 'operation',
      protocol: 'http',
      operation: 'tunnel tls',
      detail: 'tls',
      direction: 'to-server',
      ts: 1002,
    });
    expect(events.slice(3)).toEqual(expected);
  });

  it('reads nothing of random bytes, with losses among them, and never throws', () => {
    const random = seededRandom(0x7e11);
    const found = new Set<string>();
    for (let run = 0; run < 300; run += 1) for (const event of randomTunnel(random)) found.add(event.kind);
    expect([...found]).toEqual([]);
  });
});

describe('an HTTP/1 CONNECT tunnel in an engine', () => {
  it("detects what it carries among the engine's protocols, a tunnel inside it too", () => {
    const parser = http.createParser({ tunnelDepth: 0, protocols: [http] });
    const segments: Segment[] = [...connect('proxy2:3128'), ...connect('cache:6379'), ['to-server', config]];
    const events = segments.flatMap(([d, b]) => parser.parse(b, d, 1));
    expect(names(events)).toEqual([
      'http-request',
      'http-response',
      'tunnel http',
      'http-request',
      'http-response',
    ]);
  });

  it("stops reading a tunnel whose parser throws, and tells it; the CONNECT's events stay, HTTP reads on", () => {
    const parser = http.createParser({ tunnelDepth: 0, protocols: [http, withBuggyParser(redis)] });
    const [request, answer] = connect('cache:6379') as [Segment, Segment];
    // The command right behind the CONNECT is handed to the tunnel in the call that reads the 200.
    expect(names(parser.parse(Uint8Array.from([...request[1], ...config]), 'to-server', 1))).toEqual([
      'http-request',
    ]);
    const events = parser.parse(answer[1], 'to-client', 2);
    expect(names(events)).toEqual(['http-response', 'tunnel redis', 'tunnel-failed']);
    expect(events[2]).toMatchObject({ protocol: 'http', detail: 'redis', direction: 'to-server', ts: 2 });
    expect(parser.parse(config, 'to-server', 3)).toEqual([]);
    expect(parser.gap('to-client', 5)).toEqual([]);
    expect(parser.end?.()).toEqual([]);
  });
});
