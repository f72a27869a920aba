import { constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import type { Direction, OperationEvent, ProtocolEvent } from '#sidecar/events.ts';
import { http } from '#sidecar/protocols/http.ts';
import { protocols as registry } from '#sidecar/protocols/index.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { createWebsocketInner } from '#sidecar/protocols/websocket-inner.ts';
import {
  ascii,
  concat,
  hex,
  prng,
  randomBytes,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { legacy10, session12 } from '#test/fixtures/protocols/stomp-messages.ts';
import {
  clientMask,
  switchingTo,
  upgradeOffering,
  websocketFrame,
} from '#test/fixtures/protocols/websocket-frames.ts';
import { withBuggyParser } from '#test/helpers/buggy-parser.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Endpoints, tcpConversation } from '../engine/conversation.ts';

/** A REGISTER as JsSIP writes one over WebSocket: a `.invalid` Via host, transport `WS`, no Content-Length (RFC 7118). */
const register = (user: string, n: number): Uint8Array =>
  ascii(
    `REGISTER sip:pbx.example SIP/2.0\r\nVia: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK${n}\r\n` +
      `Max-Forwards: 69\r\nTo: <sip:${user}@pbx.example>\r\nFrom: <sip:${user}@pbx.example>;tag=t${n}\r\n` +
      `Call-ID: c${n}\r\nCSeq: ${n} REGISTER\r\nContact: <sip:${user}@df7jal23ls0d.invalid;transport=ws>\r\n` +
      'User-Agent: JsSIP 3.10.0\r\n\r\n',
  );
const notFound = (user: string, n: number): Uint8Array =>
  ascii(
    `SIP/2.0 404 Not Found\r\nVia: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK${n}\r\n` +
      `To: <sip:${user}@pbx.example>;tag=s${n}\r\nFrom: <sip:${user}@pbx.example>;tag=t${n}\r\n` +
      `Call-ID: c${n}\r\nCSeq: ${n} REGISTER\r\nServer: kamailio (5.6.3 (x86_64/linux))\r\nContent-Length: 0\r\n\r\n`,
  );

const fromClient = (payload: Uint8Array, opcode = 1): Segment => [
  'to-server',
  websocketFrame(opcode, payload, { mask: clientMask }),
];
const fromServer = (payload: Uint8Array, opcode = 1): Segment => [
  'to-client',
  websocketFrame(opcode, payload),
];

/** Every event of an HTTP connection read with `protocols` as the engine's, in order. */
const read = (segments: readonly Segment[], protocols: readonly Protocol[] = registry): ProtocolEvent[] => {
  const parser = http.createParser({ tunnelDepth: 0, protocols });
  return segments.flatMap(([direction, bytes], i) => parser.parse(bytes, direction, 1000 + i));
};

/** What each event tells, with its direction: an operation, a WebSocket message, an MQTT packet with its topics. */
const operations = (events: readonly ProtocolEvent[]) =>
  events.flatMap((e) => {
    if (e.kind === 'operation') return [[e.protocol, e.operation, e.direction]];
    if (e.kind === 'websocket-message') return [['http', `websocket ${e.opcode}`, e.direction]];
    if (e.kind === 'mqtt') return [['mqtt', [e.packet, ...e.topics].join(' '), e.direction]];
    return [];
  });

const sipSession = (subprotocol: string | undefined): Segment[] => [
  ['to-server', upgradeOffering(['sip'])],
  ['to-client', switchingTo(subprotocol)],
  fromClient(register('2001', 1)),
  fromServer(notFound('2001', 1)),
];

// MQTT 3.1.1 packets (§3.1, §3.8, §3.3) as paho writes them: CONNECT, SUBSCRIBE, PUBLISH QoS 1.
const mqttConnect = hex('10 17 0004 4d515454 04 02 003c 000b 6d6573687761726d2d7773');
const mqttConnack = hex('20 02 00 00');
const mqttSubscribe = hex('82 11 0001 000c 706c616e742f2b2f74656d70 01');
const mqttPublish = hex('32 12 000c 706c616e742f312f74656d70 0002 3231');

/** A scanner's REGISTERs for 24 extensions through the WebSocket, each answered 404 (a sip-scan sweep). */
const sweep = Array.from({ length: 24 }, (_, i) => [
  { from: 'client' as const, data: websocketFrame(1, register(`${3000 + i}`, i + 1), { mask: clientMask }) },
  { from: 'server' as const, data: websocketFrame(1, notFound(`${3000 + i}`, i + 1)) },
]).flat();

describe('what a WebSocket subprotocol carries', () => {
  it('reads SIP over WebSocket (RFC 7118) one message per WebSocket message, named as the layer', () => {
    const events = read(sipSession('sip'));
    expect(operations(events)).toEqual([
      ['http', 'tunnel sip', 'to-client'],
      ['http', 'websocket text', 'to-server'],
      ['sip', 'REGISTER', 'to-server'],
      ['http', 'websocket text', 'to-client'],
      ['sip', '404 Not Found', 'to-client'],
    ]);
    const answer = events.find(
      (e) => e.kind === 'operation' && e.operation === '404 Not Found',
    ) as OperationEvent;
    expect(answer.sip?.answers).toEqual({ authorized: false, toUser: '2001', agent: 'JsSIP 3.10.0' });
  });

  it('reads SIP from permessage-deflate messages as the WebSocket reader inflates them (RFC 7692)', () => {
    // Each message flushed and its 00 00 ff ff tail cut (§7.2.1), as a compressor does.
    const deflated = (bytes: Uint8Array) => {
      const out = deflateRawSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
      return out.subarray(0, out.length - 4);
    };
    const events = read([
      ['to-server', upgradeOffering(['sip'])],
      ['to-client', switchingTo('sip', 'permessage-deflate')],
      ['to-server', websocketFrame(1, deflated(register('2002', 2)), { mask: clientMask, rsv1: true })],
      ['to-client', websocketFrame(1, deflated(notFound('2002', 2)), { rsv1: true })],
    ]);
    expect(operations(events).filter(([protocol]) => protocol === 'sip')).toEqual([
      ['sip', 'REGISTER', 'to-server'],
      ['sip', '404 Not Found', 'to-client'],
    ]);
  });

  it('reads nothing inside when the server chose no subprotocol or one it does not carry', () => {
    for (const answer of [undefined, 'graphql-ws', 'sip.evil', ' '.repeat(40)]) {
      const events = read(sipSession(answer));
      expect(operations(events), String(answer)).toEqual([
        ['http', 'websocket text', 'to-server'],
        ['http', 'websocket text', 'to-client'],
      ]);
    }
  });

  it('reads MQTT over WebSocket as a stream: a packet split over two messages, two packets in one', () => {
    const events = read([
      ['to-server', upgradeOffering(['mqtt'], '/mqtt')],
      ['to-client', switchingTo('mqtt')],
      fromClient(mqttConnect.subarray(0, 9), 2),
      fromClient(mqttConnect.subarray(9), 2),
      fromServer(mqttConnack, 2),
      fromClient(concat(mqttSubscribe, mqttPublish), 2),
    ]);
    expect(operations(events).filter(([protocol]) => protocol !== 'http')).toEqual([
      ['mqtt', 'CONNECT', 'to-server'],
      ['mqtt', 'CONNACK', 'to-client'],
      ['mqtt', 'SUBSCRIBE plant/+/temp', 'to-server'],
      ['mqtt', 'PUBLISH plant/1/temp', 'to-server'],
    ]);
    const named = read([
      ['to-server', upgradeOffering(['mqttv3.1'])],
      ['to-client', switchingTo('MQTTv3.1')],
      fromClient(mqttConnect, 2),
    ]);
    expect(operations(named)).toEqual([
      ['http', 'tunnel mqtt', 'to-client'],
      ['http', 'websocket binary', 'to-server'],
      ['mqtt', 'CONNECT', 'to-server'],
    ]);
  });

  it("hands a STOMP login and a SEND's Java stream over WebSocket to their detectors through the engine", () => {
    const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8080 };
    const engine = createEngine({ observers: defaultObservers() });
    const records = tcpConversation(web, [
      { from: 'client', data: upgradeOffering(['v12.stomp', 'v11.stomp', 'v10.stomp'], '/stomp') },
      { from: 'server', data: switchingTo('v10.stomp') },
      { from: 'client', data: websocketFrame(1, legacy10.connect, { mask: clientMask }) },
      { from: 'server', data: websocketFrame(1, legacy10.connected) },
      { from: 'client', data: websocketFrame(2, legacy10.sendObject, { mask: clientMask }) },
    ]);
    for (const record of records) engine.push(record);
    const { flows, threats } = splitFindings(engine.flush());
    // The login inside is STOMP's too: its passcode crossed in the clear.
    expect(threats.map((t) => [t.threat, t.evidence.split(' —')[0]])).toEqual([
      ['cleartext-credentials', 'a stomp password for user alice (cleartext method) sent unencrypted'],
      [
        'insecure-deserialization',
        'STOMP SEND /queue/objects, its body a Java serialized object a consumer that reads it deserializes with ' +
          'gadget BadAttributeValueExpException toString trigger (ysoserial CommonsCollections5)',
      ],
    ]);
    expect(flows[0]?.protocol).toBe('http');
    expect(flows[0]?.l7?.operations).toEqual(
      expect.arrayContaining(['tunnel stomp', 'websocket text', 'CONNECT', 'SEND /queue/objects']),
    );
  });

  it('lets sip-scan see an extension sweep through a WebRTC gateway’s WebSocket', () => {
    const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8443 };
    const engine = createEngine({ observers: defaultObservers() });
    const records = tcpConversation(web, [
      { from: 'client', data: upgradeOffering(['sip']) },
      { from: 'server', data: switchingTo('sip') },
      ...sweep,
    ]);
    for (const record of records) engine.push(record);
    const { threats } = splitFindings(engine.flush());
    const scan = threats.find((t) => t.threat === 'sip-scan');
    expect(scan?.severity).toBe('high');
    expect(scan?.evidence).toContain('SIP extension enumeration: 20 distinct users');
  });

  it('reads the connection to its end for sip-scan: a sweep after 40 KiB of ordinary registrations each way', () => {
    const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8443 };
    const engine = createEngine({ observers: defaultObservers() });
    // A phone's refreshes answered 200 OK with a long Contact list, as a busy registrar's are: past the summary bound.
    const ok = (n: number) =>
      ascii(
        `SIP/2.0 200 OK\r\nVia: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK${n}\r\nTo: <sip:1000@pbx.example>\r\n` +
          `From: <sip:1000@pbx.example>;tag=t${n}\r\nCall-ID: c${n}\r\nCSeq: ${n} REGISTER\r\n` +
          `Contact: ${'<sip:1000@df7jal23ls0d.invalid;transport=ws>;expires=600, '.repeat(12)}\r\n\r\n`,
      );
    const refreshes = Array.from({ length: 60 }, (_, i) => [
      { from: 'client' as const, data: websocketFrame(1, register('1000', 100 + i), { mask: clientMask }) },
      { from: 'server' as const, data: websocketFrame(1, ok(100 + i)) },
    ]).flat();
    const records = tcpConversation(web, [
      { from: 'client', data: upgradeOffering(['sip']) },
      { from: 'server', data: switchingTo('sip') },
      ...refreshes,
      ...sweep,
    ]);
    expect(refreshes.reduce((n, r) => n + (r.from === 'server' ? r.data.length : 0), 0)).toBeGreaterThan(
      40 * 1024,
    );
    for (const record of records) engine.push(record);
    const { threats } = splitFindings(engine.flush());
    expect(threats.map((t) => t.threat)).toEqual(['sip-scan']);
  });

  it('reads a STOMP frame past the kept 64 KiB by its content-length, and the next frame after it', () => {
    const body = new Uint8Array(100_000).fill(0x41);
    const big = concat(
      ascii(`SEND\ncontent-length:${body.length}\ndestination:/queue/big\n\n`),
      body,
      ascii('\0'),
    );
    const events = read([
      ['to-server', upgradeOffering(['v12.stomp'])],
      ['to-client', switchingTo('v12.stomp')],
      fromClient(session12.stomp),
      fromClient(big),
      fromClient(session12.send),
    ]);
    expect(operations(events).filter(([protocol]) => protocol === 'stomp')).toEqual([
      ['stomp', 'STOMP', 'to-server'],
      ['stomp', 'SEND /queue/big', 'to-server'],
      ['stomp', 'SEND /queue/orders', 'to-server'],
    ]);
  });

  it('ends its own reading, told, when the carried parser throws; the WebSocket messages go on', () => {
    const protocols = registry.map((p) => (p.id === 'stomp' ? withBuggyParser(p) : p));
    const events = read(
      [
        ['to-server', upgradeOffering(['v12.stomp'])],
        ['to-client', switchingTo('v12.stomp')],
        fromClient(session12.stomp),
        fromClient(session12.send),
      ],
      protocols,
    );
    expect(operations(events)).toEqual([
      ['http', 'tunnel stomp', 'to-client'],
      ['http', 'websocket text', 'to-server'],
      ['http', 'tunnel-failed', 'to-server'],
      ['http', 'websocket text', 'to-server'],
    ]);
  });

  it('never throws on hostile messages, whatever the subprotocol, and tells no tunnel failure', () => {
    const next = prng(56);
    for (const subprotocol of ['sip', 'mqtt', 'mqttv3.1', 'v10.stomp', 'v11.stomp', 'v12.stomp']) {
      for (let run = 0; run < 40; run++) {
        const messages = Array.from({ length: 6 }, (_, i): Segment => {
          const payload = randomBytes(next, Math.floor(next() * 600));
          return i % 2 === 0 ? fromClient(payload, 2) : fromServer(payload, 2);
        });
        const events = read([
          ['to-server', upgradeOffering([subprotocol])],
          ['to-client', switchingTo(subprotocol)],
          ...messages,
        ]);
        expect(operations(events).filter(([, operation]) => operation === 'tunnel-failed')).toEqual([]);
      }
    }
  });

  it('reads nothing inside past the tunnel depth, or when the engine has no parser for it', () => {
    const out: ProtocolEvent[] = [];
    expect(createWebsocketInner('sip', { tunnelDepth: 2, protocols: registry }, 0, out)).toBeUndefined();
    const withoutSip = registry.filter((p) => p.id !== 'sip');
    expect(createWebsocketInner('sip', { tunnelDepth: 0, protocols: withoutSip }, 0, out)).toBeUndefined();
    expect(out).toEqual([]);
  });

  it('tells a stream parser what the WebSocket reader could not keep: a count, or a loss of unknown length', () => {
    const calls: string[] = [];
    const recording: Protocol = {
      id: 'mqtt',
      transport: 'tcp',
      ports: [],
      encrypted: false,
      detect: () => 'no-match',
      createParser: () => ({
        parse: (chunk: Uint8Array, direction: Direction) => {
          calls.push(`parse ${direction} ${chunk.length}`);
          return [];
        },
        gap: (direction: Direction, lost?: number) => {
          calls.push(`gap ${direction} ${lost}`);
        },
      }),
    };
    const out: ProtocolEvent[] = [];
    const inner = createWebsocketInner('mqtt', { tunnelDepth: 0, protocols: [recording] }, 5, out);
    inner?.message(new Uint8Array(10), 0, 'to-server', 6);
    inner?.message(new Uint8Array(65536), 4000, 'to-client', 7);
    inner?.message(undefined, undefined, 'to-server', 8);
    expect(calls).toEqual([
      'parse to-server 10',
      'parse to-client 65536',
      'gap to-client 4000',
      'gap to-server undefined',
    ]);
  });
});
