/**
 * What a SOCKS tunnel carries after a granted CONNECT is read as the protocol its first octets name, among the engine's
 * protocols (the whole registry for a parser made outside one), as an HTTP/1 CONNECT's is: a plain HTTP request or a
 * Redis command relayed by a SOCKS proxy is the flow's event, TLS hellos as before. What the client sends before the
 * proxy's reply waits for it: read when it grants, dropped when it refuses.
 */
import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { protocols } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { createTlsStream } from '#sidecar/protocols/tls-stream.ts';
import {
  ascii,
  concat,
  feed,
  hex,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { withBuggyParser } from '#test/helpers/buggy-parser.ts';
import { seededRandom } from '#test/helpers/random.ts';

/** The registry's SOCKS and HTTP, as the engine gives them to a flow (importing the registry names it to tunnels). */
const socks = protocols.find((p) => p.id === 'socks') as Protocol;
const http = protocols.find((p) => p.id === 'http') as Protocol;
const redis = protocols.find((p) => p.id === 'redis') as Protocol;

// RFC 1928: no authentication, CONNECT by name (ATYP 3) to backend:80, granted with an IPv4 address.
const socks5 = (host: string, port: number): Segment[] => [
  ['to-server', hex('050100')],
  ['to-client', hex('0500')],
  [
    'to-server',
    concat(hex(`050100030${host.length.toString(16)}`), ascii(host), Uint8Array.of(port >> 8, port)),
  ],
  ['to-client', hex('050000017f0000010438')],
];
// SOCKS 4A: CONNECT to cache:6379 (address 0.0.0.1, no user, then the name); granted.
const socks4aRequest = concat(hex('040118eb0000000100'), ascii('cache'), hex('00'));
const granted4 = hex('005a000000000000');

const injection: Segment[] = [
  ['to-server', ascii("GET /items?id=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: backend\r\n\r\n")],
  ['to-client', ascii('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')],
];
const config = ascii('*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n$10\r\n/root/.ssh\r\n');

type Seen = { kind: string; operation?: string; target?: string; detail?: string };
const names = (events: unknown[]) => (events as Seen[]).map((e) => e.operation ?? e.kind);
/** A SOCKS5 greeting offering no authentication, then a CONNECT by name to cache:6379, as one client segment. */
const greetingAndConnect = concat(hex('050100'), hex('0501000305'), ascii('cache'), hex('18eb'));

/** A granted SOCKS5 tunnel carrying six random chunks either way, some followed by a loss: its events after the handshake's. */
const randomTunnel = (random: ReturnType<typeof seededRandom>): ProtocolEvent[] => {
  const parser = socks.createParser();
  const events: ProtocolEvent[] = [];
  for (const [d, b] of socks5('x', 1)) events.push(...parser.parse(b, d, 0));
  const handshake = events.length;
  for (let i = 0; i < 6; i += 1) {
    const d = random.int(2) === 0 ? 'to-server' : 'to-client';
    events.push(...parser.parse(random.bytes(1 + random.int(8192)), d, i));
    if (random.int(4) === 0) events.push(...(parser.gap(d, random.int(9)) ?? []));
  }
  events.push(...(parser.end?.() ?? []));
  return events.slice(handshake);
};

describe('a SOCKS tunnel', () => {
  it('reads a plain HTTP request relayed through a SOCKS5 CONNECT as an http-request, and its answer', () => {
    const events = feed(socks, [...socks5('backend', 80), ...injection]);
    expect(events.slice(3)).toMatchObject([
      {
        kind: 'operation',
        protocol: 'socks',
        operation: 'reply',
        detail: 'succeeded version=5 target=backend:80',
      },
      {
        kind: 'operation',
        protocol: 'socks',
        operation: 'tunnel http',
        detail: 'http',
        direction: 'to-server',
      },
      { kind: 'http-request', method: 'GET', target: "/items?id=1'%20OR%20'1'='1" },
      { kind: 'http-response', status: 200 },
    ]);
  });

  it('reads a Redis command relayed through SOCKS 4A as a redis-command, the bytes sent before the reply included', () => {
    // The client does not wait for the proxy's reply: its first command follows the request in the same segment.
    const events = feed(socks, [
      ['to-server', concat(socks4aRequest, config.subarray(0, 9))],
      ['to-client', granted4],
      ['to-server', config.subarray(9)],
      ['to-client', ascii('+OK\r\n')],
    ]) as Seen[];
    expect(events.map((e) => e.operation ?? e.kind)).toEqual([
      'CONNECT',
      'reply',
      'tunnel redis',
      'redis-command',
      'redis-reply',
    ]);
    expect(events[3]).toMatchObject({
      kind: 'redis-command',
      command: 'CONFIG',
      args: ['SET', 'dir', '/root/.ssh'],
    });
  });

  it('tells a loss inside the tunnel to the inner parser, which stays in frame in a body of known length', () => {
    const parser = socks.createParser();
    for (const [d, b] of socks5('backend', 80)) parser.parse(b, d, 0);
    parser.parse(ascii('POST /a HTTP/1.1\r\nHost: b\r\nContent-Length: 10\r\n\r\n12'), 'to-server', 1);
    parser.gap('to-server', 4);
    const after = parser.parse(
      ascii("7890GET /b?id=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: b\r\n\r\n"),
      'to-server',
      2,
    );
    expect(after.map((e) => (e.kind === 'http-request' ? e.target : e.kind))).toContain(
      "/b?id=1'%20OR%20'1'='1",
    );
  });

  it('reads through an HTTP CONNECT and a SOCKS proxy, one more depth for each, and nothing past the bound', () => {
    const connect: Segment[] = [
      ['to-server', ascii('CONNECT socks:1080 HTTP/1.1\r\nHost: socks:1080\r\n\r\n')],
      ['to-client', ascii('HTTP/1.1 200 Connection established\r\n\r\n')],
    ];
    const through = (hops: Segment[]) =>
      (feed(http, [...hops, ...socks5('backend', 80), ...injection]) as Seen[])
        .map((e) => e.target ?? e.operation ?? e.kind)
        .filter((name) => name.startsWith('/') || name.startsWith('tunnel'));
    // HTTP (depth 0) → SOCKS (1) → HTTP (2): read.
    expect(through(connect)).toEqual(['tunnel socks', 'tunnel http', "/items?id=1'%20OR%20'1'='1"]);
    // HTTP (0) → HTTP (1) → SOCKS (2) → HTTP (3): the SOCKS handshake is read, not what its tunnel carries.
    const twice: Segment[] = [
      ['to-server', ascii('CONNECT proxy2:3128 HTTP/1.1\r\nHost: proxy2:3128\r\n\r\n')],
      ['to-client', ascii('HTTP/1.1 200 Connection established\r\n\r\n')],
      ...connect,
    ];
    expect(through(twice)).toEqual(['tunnel http', 'tunnel socks']);
    // A SOCKS parser created at the bound's depth reads nothing inside its tunnel.
    const deep = socks.createParser({ tunnelDepth: 2, protocols });
    const events = [...socks5('backend', 80), ...injection].flatMap(([d, b]) => deep.parse(b, d, 1));
    expect(events.map((e) => e.kind)).toEqual(['operation', 'operation', 'operation', 'operation']);
  });

  it('gives the same TLS events as the TLS reader alone, after naming it (nDPI http_connect.pcap)', () => {
    const flow = ndpiFlows('http-connect').find((f) => f.segments.length > 4);
    const inner = flow?.segments.slice(2) ?? [];
    const parser = socks.createParser();
    const events = [...socks5('www.example.com', 443), ...inner].flatMap(([d, b], i) =>
      parser.parse(b, d, 1000 + i),
    );
    const tls = createTlsStream();
    const expected = inner.flatMap(([d, b], i) => tls.parse(b, d, 1004 + i));
    expect(expected.some((e) => e.kind === 'tls-client-hello')).toBe(true);
    expect(expected.some((e) => e.kind === 'tls-server-hello')).toBe(true);
    expect(events[4]).toEqual({
      kind: 'operation',
      protocol: 'socks',
      operation: 'tunnel tls',
      detail: 'tls',
      direction: 'to-server',
      ts: 1004,
    });
    expect(events.slice(5)).toEqual(expected);
  });

  it('reads nothing of random bytes, with losses among them, and never throws', () => {
    const random = seededRandom(0x50c5);
    const found = new Set<string>();
    for (let run = 0; run < 300; run += 1) for (const event of randomTunnel(random)) found.add(event.kind);
    expect([...found]).toEqual([]);
  });
});

describe("a SOCKS proxy's reply", () => {
  // What the client sends right behind its request (its first Redis command) waits for the reply's verdict.
  const refusals: [string, Segment[]][] = [
    [
      'SOCKS 4A, rejected',
      [
        ['to-server', concat(socks4aRequest, config)],
        ['to-client', hex('005b000000000000')],
      ],
    ],
    [
      'SOCKS5, connection refused',
      [
        ['to-server', concat(greetingAndConnect, config)],
        ['to-client', hex('0500')],
        ['to-client', hex('050500017f0000010438')],
      ],
    ],
    [
      'SOCKS5, no acceptable method',
      [
        ['to-server', concat(greetingAndConnect, config)],
        ['to-client', hex('05ff')],
      ],
    ],
    [
      'SOCKS5, login failed',
      [
        ['to-server', concat(hex('050102'), hex('0105'), ascii('alice'), hex('06'), ascii('secret'))],
        ['to-server', concat(hex('0501000305'), ascii('cache'), hex('18eb'), config)],
        ['to-client', hex('0502')],
        ['to-client', hex('0101')],
      ],
    ],
  ];

  it.each(refusals)(
    '%s: what the client sent before it is dropped, and nothing after read',
    (_, handshake) => {
      const events = feed(socks, [...handshake, ['to-server', config], ['to-client', ascii('+OK\r\n')]]);
      expect(names(events).filter((name) => name.startsWith('tunnel') || name.startsWith('redis'))).toEqual(
        [],
      );
    },
  );

  it('when granted, has what the client sent before it read first, a loss among it told in its place', () => {
    const parser = socks.createParser();
    const events: ProtocolEvent[] = [];
    for (const [d, b] of socks5('backend', 80).slice(0, 3)) events.push(...parser.parse(b, d, 0));
    // A body of 10 octets, 4 of them lost, then an injection: the HTTP reader skips the loss and stays in frame.
    events.push(
      ...parser.parse(ascii('POST /a HTTP/1.1\r\nHost: b\r\nContent-Length: 10\r\n\r\n12'), 'to-server', 1),
    );
    events.push(...(parser.gap('to-server', 4) ?? []));
    events.push(
      ...parser.parse(ascii("7890GET /b?id=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: b\r\n\r\n"), 'to-server', 2),
    );
    expect(names(events)).toEqual(['greeting', 'method', 'CONNECT']);
    const granted = parser.parse(hex('050000017f0000010438'), 'to-client', 3);
    expect(
      granted.map((e) =>
        e.kind === 'http-request' ? e.target : e.kind === 'operation' ? e.operation : e.kind,
      ),
    ).toEqual(['reply', 'tunnel http', '/a', "/b?id=1'%20OR%20'1'='1"]);
  });

  it('when lost, leaves the outcome unknown: what the client sent is read, as most requests are granted', () => {
    const parser = socks.createParser();
    parser.parse(concat(greetingAndConnect, config), 'to-server', 1);
    parser.parse(hex('0500'), 'to-client', 2);
    const events = [
      ...(parser.gap('to-client', 10) ?? []),
      ...parser.parse(ascii('PING\r\n'), 'to-server', 3),
    ];
    expect(names(events)).toEqual(['tunnel redis', 'redis-command', 'redis-command']);
  });

  it('reads the two replies of a SOCKS 4 BIND as replies, and the tunnel after the second', () => {
    // BIND (command 2) for 10.0.0.2:80; the proxy listens on 8080, then the peer connects from 10.0.0.2:80.
    const events = feed(socks, [
      ['to-server', hex('040200500a00000200')],
      ['to-client', hex('005a1f9000000000')],
      ['to-client', hex('005a00500a000002')],
      ...injection,
    ]) as Seen[];
    expect(events.map((e) => e.target ?? e.operation ?? e.kind)).toEqual([
      'BIND',
      'reply',
      'reply',
      'tunnel http',
      "/items?id=1'%20OR%20'1'='1",
      'http-response',
    ]);
  });

  it('holds at most a tunnel prefix of what the client sent before it, the rest told as lost', () => {
    const parser = socks.createParser();
    parser.parse(socks4aRequest, 'to-server', 1);
    // A request whose body runs past the bound: its head is read; the rest, a request among it, is told as lost.
    const body = 'x'.repeat(6000);
    const sent = ascii(
      `POST /a HTTP/1.1\r\nHost: b\r\nContent-Length: ${body.length}\r\n\r\n${body}GET /b HTTP/1.1\r\nHost: b\r\n\r\n`,
    );
    parser.parse(sent, 'to-server', 2);
    const events = parser.parse(granted4, 'to-client', 3);
    expect(
      events.map((e) =>
        e.kind === 'http-request' ? e.target : e.kind === 'operation' ? e.operation : e.kind,
      ),
    ).toEqual(['reply', 'tunnel http', '/a']);
  });
});

describe('a SOCKS tunnel whose parser throws', () => {
  it("stops reading the tunnel and tells it; the handshake's events stay, the SOCKS reader goes on", () => {
    const parser = socks.createParser({ tunnelDepth: 0, protocols: [socks, withBuggyParser(redis)] });
    expect(names(parser.parse(concat(socks4aRequest, config), 'to-server', 1))).toEqual(['CONNECT']);
    const events = parser.parse(granted4, 'to-client', 2) as Seen[];
    expect(names(events)).toEqual(['reply', 'tunnel redis', 'tunnel-failed']);
    expect(events[2]).toMatchObject({ protocol: 'socks', detail: 'redis' });
    expect(parser.parse(config, 'to-server', 3)).toEqual([]);
    expect(parser.end?.()).toEqual([]);
  });
});

describe('a SOCKS tunnel in an engine', () => {
  it("detects what it carries among the engine's protocols only", () => {
    const parser = socks.createParser({ tunnelDepth: 0, protocols: [socks, http] });
    const events = [...socks5('backend', 80), ['to-server', config] as Segment].flatMap(([d, b]) =>
      parser.parse(b, d, 1),
    );
    expect(names(events)).toEqual(['greeting', 'method', 'CONNECT', 'reply']);
  });
});

describe('a SOCKS tunnel opened with what the client sent before the reply', () => {
  it('tells what it found and its failure at the reply, the inner events at the times their octets came', () => {
    const found = socks.createParser();
    found.parse(concat(socks4aRequest, config), 'to-server', 1);
    expect(found.parse(granted4, 'to-client', 2).slice(1)).toMatchObject([
      { operation: 'tunnel redis', ts: 2 },
      { kind: 'redis-command', ts: 1 },
    ]);
    const failing = socks.createParser({ tunnelDepth: 0, protocols: [socks, withBuggyParser(redis)] });
    failing.parse(concat(socks4aRequest, config), 'to-server', 1);
    expect(failing.parse(granted4, 'to-client', 2)[2]).toMatchObject({ operation: 'tunnel-failed', ts: 2 });
  });
});
