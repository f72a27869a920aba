/**
 * Every message of one chunk becomes its event (ADR 29): a parse call used to return at most 64 events and drop the
 * rest, so 64 harmless commands in front of one that matters hid it. Each case gives a parser one chunk of 150
 * messages after the set-up its protocol needs, and expects 150 events of them.
 */
import { describe, expect, it } from 'vitest';
import type { Direction, ProtocolEvent } from '#sidecar/events.ts';
import { protocols } from '#sidecar/protocols/index.ts';

const count = 150;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
/** `count` copies of a message, `#` replaced by its index. */
const many = (message: string): Uint8Array =>
  text(Array.from({ length: count }, (_, i) => message.replaceAll('#', String(i))).join(''));
const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));

/** RFC 7540 §4.1 frame, and a gRPC call's HEADERS (RFC 7541 literals, names indexed where the table has them). */
const h2Frame = (type: number, flags: number, stream: number, payload: Uint8Array): Uint8Array =>
  concat([
    Uint8Array.of(
      0,
      payload.length >> 8,
      payload.length & 0xff,
      type,
      flags,
      0,
      0,
      stream >> 8,
      stream & 0xff,
    ),
    payload,
  ]);
const grpcCall = (stream: number): Uint8Array => {
  const path = text('/shop.Cart/Add');
  const literal = (name: string, value: string) => [
    0,
    name.length,
    ...text(name),
    value.length,
    ...text(value),
  ];
  const block = Uint8Array.of(
    0x83,
    0x86,
    0x04,
    path.length,
    ...path,
    ...literal('content-type', 'application/grpc'),
  );
  return h2Frame(1, 0x04, stream, block);
};
const grpcCalls = concat([
  text('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  h2Frame(4, 0, 0, new Uint8Array(0)),
  ...Array.from({ length: count }, (_, i) => grpcCall(2 * i + 1)),
]);

type Case = {
  id: string;
  transport: 'tcp' | 'udp';
  setup?: [Direction, Uint8Array][];
  chunk: Uint8Array;
  kind?: ProtocolEvent['kind'];
};
const cases: Case[] = [
  { id: 'ftp', transport: 'tcp', setup: [['to-client', text('220 ready\r\n')]], chunk: many('NOOP\r\n') },
  {
    id: 'imap',
    transport: 'tcp',
    setup: [['to-client', text('* OK ready\r\n')]],
    chunk: many('a# NOOP\r\n'),
  },
  { id: 'irc', transport: 'tcp', chunk: many('PRIVMSG #ops :line #\r\n') },
  { id: 'stratum', transport: 'tcp', chunk: many('{"id":#,"method":"mining.subscribe","params":[]}\n') },
  { id: 'memcached', transport: 'tcp', chunk: many('get key#\r\n') },
  {
    id: 'nats',
    transport: 'tcp',
    setup: [['to-client', text('INFO {}\r\n')]],
    chunk: many('SUB orders.# #\r\n'),
  },
  { id: 'pop3', transport: 'tcp', setup: [['to-client', text('+OK ready\r\n')]], chunk: many('NOOP\r\n') },
  { id: 'smtp', transport: 'tcp', setup: [['to-client', text('220 mx ESMTP\r\n')]], chunk: many('NOOP\r\n') },
  {
    id: 'shell',
    transport: 'tcp',
    setup: [['to-client', text('bash: no job control in this shell\nroot@app:/# ')]],
    chunk: many('id #\n'),
  },
  { id: 'statsd', transport: 'udp', chunk: many('requests.#:1|c\n') },
  { id: 'syslog', transport: 'tcp', chunk: many('<34>1 2026-11-28T06:00:00Z host app - - - line #\n') },
  { id: 'http2', transport: 'tcp', chunk: grpcCalls, kind: 'grpc-call' },
];

describe('one chunk of 150 messages gives 150 events', () => {
  it.each(cases)('$id', ({ id, transport, setup = [], chunk, kind = 'operation' }) => {
    const protocol = protocols.find(
      (p) => p.id === id && (p.transport === transport || p.transport === 'both'),
    );
    if (protocol === undefined) throw new Error(`no ${transport} protocol ${id}`);
    const parser = protocol.createParser();
    for (const [direction, bytes] of setup) parser.parse(bytes, direction, 0);
    const events = parser.parse(chunk, 'to-server', 1).filter((event) => event.kind === kind);
    expect(events).toHaveLength(count);
  });
});
