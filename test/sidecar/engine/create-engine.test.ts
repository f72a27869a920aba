import { describe, expect, it } from 'vitest';
import { type FlowFinding, flowFindingSchema } from '#core/finding.ts';
import { createEngine, type EngineOptions } from '#sidecar/engine/create-engine.ts';
import type { EngineObserver } from '#sidecar/engine-observer.ts';
import type { ProtocolEvent } from '#sidecar/events.ts';
import type { Protocol } from '#sidecar/protocols/protocol.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { flags, tcp4Frame } from '../decode/build-frame.ts';
import { type Endpoints, record, tcpConversation, udpExchange } from './conversation.ts';
import { eventProtocol, lineProtocol } from './toy-protocols.ts';

const web: Endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 80 };

const run = (records: ReturnType<typeof tcpConversation>, options: EngineOptions) => {
  const engine = createEngine(options);
  for (const r of records) engine.push(r);
  const findings = engine.flush();
  return { engine, findings, flows: splitFindings(findings).flows };
};

const only = (flows: FlowFinding[]): FlowFinding => {
  expect(flows).toHaveLength(1);
  for (const flow of flows) flowFindingSchema.parse(flow);
  return flows[0] as FlowFinding;
};

describe('engine: protocol detection from the bytes', () => {
  const log: string[] = [];
  const ping = lineProtocol('nats', { 'to-server': 'PING ' }, log);
  const banner = lineProtocol('smtp', { 'to-client': '220 ' });

  it('identifies a client-first protocol, parses both directions in order and counts bytes and packets', () => {
    log.length = 0;
    const records = tcpConversation(web, [
      { from: 'client', data: 'PING one\n' },
      { from: 'server', data: 'PONG one\n' },
      { from: 'client', data: 'PING two\n' },
    ]);
    const flow = only(run(records, { protocols: [banner, ping] }).flows);
    expect(flow).toMatchObject({
      protocol: 'nats',
      confidence: 'dpi',
      transport: 'tcp',
      client: { ip: '10.0.0.1', port: 40000 },
      server: { ip: '10.0.0.2', port: 80 },
      bytes: { toServer: 18, toClient: 9 },
      packets: { toServer: 6, toClient: 3 },
      encrypted: false,
      l7: { operations: ['PING', 'PONG'] },
    });
    expect(log).toEqual(['to-server:PING one', 'to-client:PONG one', 'to-server:PING two']);
  });

  it('identifies a server-first protocol from the server→client bytes', () => {
    const records = tcpConversation(web, [
      { from: 'server', data: '220 mail ready\n' },
      { from: 'client', data: 'EHLO x\n' },
    ]);
    expect(only(run(records, { protocols: [ping, banner] }).flows).protocol).toBe('smtp');
  });

  it('never uses the port: the same bytes on any port give the same protocol', () => {
    for (const serverPort of [80, 443, 5432, 6379, 31337]) {
      const records = tcpConversation({ ...web, serverPort }, [{ from: 'client', data: 'PING x\n' }]);
      expect(only(run(records, { protocols: [ping] }).flows).protocol).toBe('nats');
    }
  });

  it('waits on need-more across segments split inside the magic', () => {
    const records = tcpConversation(web, [
      { from: 'client', data: 'PI' },
      { from: 'client', data: 'NG split\n' },
    ]);
    const flow = only(run(records, { protocols: [ping] }).flows);
    expect(flow.protocol).toBe('nats');
    expect(flow.l7?.operations).toEqual(['PING']);
  });

  it('takes the first match in registry order', () => {
    const first = lineProtocol('redis', { 'to-server': 'PING' });
    const records = tcpConversation(web, [{ from: 'client', data: 'PING x\n' }]);
    expect(only(run(records, { protocols: [first, ping] }).flows).protocol).toBe('redis');
    expect(only(run(records, { protocols: [ping, first] }).flows).protocol).toBe('nats');
  });

  it('respects a protocol transport: a TCP-only detector is not asked about UDP', () => {
    const records = udpExchange(web, [{ from: 'client', data: 'PING x\n' }]);
    expect(only(run(records, { protocols: [ping] }).flows).protocol).toBe('unknown');
    const both = lineProtocol('nats', { 'to-server': 'PING ' }, [], { transport: 'both' });
    expect(only(run(records, { protocols: [both] }).flows).protocol).toBe('nats');
  });

  it('says unknown with the first bytes as hex evidence when nothing matches', () => {
    const records = tcpConversation(web, [
      { from: 'client', data: 'hello' },
      { from: 'server', data: Uint8Array.from([0, 1, 2, 255]) },
    ]);
    const flow = only(run(records, { protocols: [ping, banner] }).flows);
    expect(flow).toMatchObject({
      protocol: 'unknown',
      confidence: 'unknown',
      evidence: { toServer: '68656c6c6f', toClient: '000102ff' },
    });
  });

  it('gives up need-more after the attempt bound, asking less often as tiny segments pile up', () => {
    const lengths: number[] = [];
    const slow: Protocol = {
      ...ping,
      id: 'nats',
      detect: (bytes) => {
        lengths.push(bytes.length);
        return 'need-more';
      },
    };
    const records = tcpConversation(
      web,
      Array.from({ length: 40 }, () => ({ from: 'client' as const, data: 'x' })),
    );
    const { flows } = run(records, { protocols: [slow], limits: { detectionAttempts: 8 } });
    expect(only(flows).protocol).toBe('unknown');
    // Attempts at 1, 2, 3, 4 octets (one per packet), then as the kept bytes grow by half: 6, 9, 14, 21.
    expect(only(flows).evidence?.toServer).toBe('78'.repeat(21));
    // (Single octets of every value first: the candidate table's probes.)
    expect(lengths.filter((length) => length > 1)).toEqual([2, 3, 4, 6, 9, 14, 21]);
  });

  it('replays a run of tiny segments from one side as one chunk once a protocol matches', () => {
    const chunks: number[] = [];
    const late: Protocol = {
      ...ping,
      id: 'nats',
      detect: (bytes) => (bytes.length >= 30 ? 'match' : 'need-more'),
      createParser: () => ({
        parse: (chunk) => {
          chunks.push(chunk.length);
          return [];
        },
        gap: () => undefined,
      }),
    };
    const records = tcpConversation(
      web,
      Array.from({ length: 40 }, () => ({ from: 'client' as const, data: 'x' })),
    );
    expect(only(run(records, { protocols: [late] }).flows).protocol).toBe('nats');
    // Attempts at 1..12 octets, then 18 and 27 need more; 40 (>= 27 * 1.5) matches: 40 octets kept, one chunk.
    expect(chunks).toEqual([40]);
  });

  it('stops keeping bytes of a flow that switches sides too often before detection decides', () => {
    const slow: Protocol = { ...ping, id: 'nats', detect: () => 'need-more' };
    const records = tcpConversation(
      web,
      Array.from({ length: 200 }, (_, i) => ({
        from: i % 2 === 0 ? ('client' as const) : ('server' as const),
        data: 'x',
      })),
    );
    const flow = only(run(records, { protocols: [slow], limits: { detectionAttempts: 1000 } }).flows);
    expect(flow.protocol).toBe('unknown');
    // 64 runs kept (32 each way); then the client side stops (a new run), while the server's next octets extend the
    // last run: the entries stay bounded whatever the attempt bound.
    expect(flow.evidence?.toServer).toBe('78'.repeat(32));
    expect(flow.evidence?.toClient?.length).toBeGreaterThan(64);
  });

  it('ends detection at the data-packet cap even while bytes keep growing', () => {
    const slow: Protocol = { ...ping, id: 'nats', detect: () => 'need-more' };
    const records = tcpConversation(
      web,
      Array.from({ length: 40 }, () => ({ from: 'client' as const, data: 'x' })),
    );
    const { flows } = run(records, {
      protocols: [slow],
      limits: { detectionAttempts: 100, maxDetectionPackets: 10 },
    });
    expect(only(flows).evidence?.toServer).toBe('78'.repeat(10));
  });

  it('survives detectors and parsers that throw, counting them', () => {
    const broken: Protocol = {
      ...ping,
      detect: (bytes) => (bytes[0] === 0x50 ? 'match' : 'no-match'),
      createParser: () => ({
        parse: () => {
          throw new Error('bug');
        },
        gap: () => undefined,
      }),
    };
    const throwing: Protocol = {
      ...ping,
      id: 'redis',
      detect: () => {
        throw new Error('bug');
      },
    };
    const records = tcpConversation(web, [{ from: 'client', data: 'PING x\n' }]);
    const { flows, engine } = run(records, { protocols: [throwing, broken] });
    expect(only(flows)).toMatchObject({
      protocol: 'nats',
      notes: expect.arrayContaining(['protocol parser failed: parsing stopped']),
    });
    expect(engine.stats().parserErrors).toBe(1);
  });
});

describe('engine: reassembly feeds parsers', () => {
  it('parses a conversation whose segments arrive out of order, with a retransmission', () => {
    const log: string[] = [];
    const ping = lineProtocol('nats', { 'to-server': 'PING ' }, log);
    const records = tcpConversation(web, [
      { from: 'client', data: 'PING a\n' },
      { from: 'client', data: 'PING b\n' },
      { from: 'client', data: 'PING c\n' },
    ]);
    // Handshake is records 0-2; data 3-5; swap b and c and repeat a.
    const shuffled = [
      records[0],
      records[1],
      records[2],
      records[3],
      records[5],
      records[4],
      records[3],
      ...records.slice(6),
    ];
    const flow = only(run(shuffled as typeof records, { protocols: [ping] }).flows);
    expect(log).toEqual(['to-server:PING a', 'to-server:PING b', 'to-server:PING c']);
    expect(flow.notes).toContain('to-server: 1 retransmissions');
  });

  it('marks a mid-stream pickup as partial and tells the parser about gaps', () => {
    const log: string[] = [];
    const ping = lineProtocol('nats', { 'to-server': 'PING ' }, log);
    const records = tcpConversation(
      web,
      [
        { from: 'client', data: 'PING a\n' },
        { from: 'client', data: 'PING lost\n' },
        { from: 'client', data: 'PING c\n' },
      ],
      { handshake: false, close: false },
    );
    const flow = only(run([records[0], records[2]] as typeof records, { protocols: [ping] }).flows);
    expect(flow.confidence).toBe('partial');
    expect(flow.notes).toEqual(
      expect.arrayContaining(['mid-stream pickup (no SYN)', 'to-server: 1 gaps, 10 bytes lost']),
    );
    expect(log).toEqual(['to-server:PING a', 'to-server:[gap]', 'to-server:PING c']);
  });

  it('parses a first chunk that identifies the protocol whole, also one past the prefix bound (ADR 30)', () => {
    const log: string[] = [];
    const ping = lineProtocol('nats', { 'to-server': 'PING ' }, log);
    const parsed = (first: string): string[] => {
      log.length = 0;
      const records = tcpConversation(web, [
        { from: 'client', data: first },
        { from: 'client', data: 'PING b\n' },
      ]);
      run(records, { protocols: [ping], limits: { prefixBytes: 16 } });
      return [...log];
    };
    // Under the 16-octet prefix (detected where it lies) and exactly filling it (kept): handed over whole.
    expect(parsed('PING 123456789\n')).toEqual(['to-server:PING 123456789', 'to-server:PING b']);
    expect(parsed('PING 1234567890\n')).toEqual(['to-server:PING 1234567890', 'to-server:PING b']);
    // Past it: only the bound is kept, but the kept bytes decide at once, so the parser gets the rest of the chunk
    // after them. It used to hear of the rest as a gap, and the line was lost.
    expect(parsed('PING 12345678901\n')).toEqual(['to-server:PING 12345678901', 'to-server:PING b']);
    expect(parsed(`PING ${'x'.repeat(100)}\n`)).toEqual([
      `to-server:PING ${'x'.repeat(100)}`,
      'to-server:PING b',
    ]);
  });

  it('follows sequence numbers that wrap past 2^32', () => {
    const log: string[] = [];
    const ping = lineProtocol('nats', { 'to-server': 'PING ' }, log);
    const messages = Array.from({ length: 5 }, (_, i) => ({ from: 'client' as const, data: `PING ${i}\n` }));
    run(tcpConversation(web, messages, { clientIsn: 0xffffffe0 }), { protocols: [ping] });
    expect(log).toEqual(messages.map((m) => `to-server:${m.data.trim()}`));
  });
});

const request = (method: string, path: string, headers: [string, string][] = []): ProtocolEvent => ({
  kind: 'http-request',
  version: '1.1',
  method,
  target: path,
  path,
  query: '',
  headers,
  body: new Uint8Array(0),
  bodyTruncated: false,
  ts: 0,
  direction: 'to-server',
});

describe('engine: layer-7 summaries', () => {
  it('collects HTTP methods, path templates, status classes, hosts and user agents', () => {
    const http = eventProtocol('http', 'REQ ', (line, direction, ts) => {
      const [, method = '', path = ''] = line.split(' ');
      if (direction === 'to-client') {
        return [
          {
            kind: 'http-response',
            version: '1.1',
            status: Number(method),
            headers: [],
            body: new Uint8Array(0),
            bodyTruncated: false,
            ts,
            direction,
          },
        ];
      }
      return [
        request(method, path, [
          ['Host', 'api.local'],
          ['User-Agent', 'curl/8.5'],
        ]),
      ];
    });
    const records = tcpConversation(web, [
      { from: 'client', data: 'REQ GET /api/v1/users/42\n' },
      { from: 'server', data: 'RES 200\n' },
      {
        from: 'client',
        data: 'REQ GET /api/v1/users/7\nREQ POST /api/v1/orders/3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c/items\n',
      },
      { from: 'server', data: 'RES 404\n' },
    ]);
    const flow = only(run(records, { protocols: [http] }).flows);
    expect(flow.l7?.http).toEqual({
      methods: ['GET', 'POST'],
      paths: ['/api/v1/users/{id}', '/api/v1/orders/{id}/items'],
      statuses: ['2xx', '4xx'],
      hosts: ['api.local'],
      userAgents: ['curl/8.5'],
    });
  });

  it('turns an http2 flow into grpc when a gRPC call is seen', () => {
    const h2 = eventProtocol('http2', 'PRI ', (line, direction, ts) =>
      line.startsWith('CALL ')
        ? [{ kind: 'grpc-call', service: 'shop.Cart', method: line.slice(5), ts, direction }]
        : [],
    );
    const records = tcpConversation(web, [{ from: 'client', data: 'PRI *\nCALL AddItem\nCALL GetCart\n' }]);
    const flow = only(run(records, { protocols: [h2] }).flows);
    expect(flow.protocol).toBe('grpc');
    expect(flow.l7?.grpc?.methods).toEqual(['shop.Cart/AddItem', 'shop.Cart/GetCart']);
  });

  const hello = (sni: string, alpn: string[]): ProtocolEvent => ({
    kind: 'tls-client-hello',
    version: 'TLS1.3',
    recordVersion: 'TLS1.0',
    sni,
    alpn,
    ja3: '771,4865,0,29,0',
    ja3Hash: 'abc',
    ja4: 't13d0000h2_000000000000_000000000000',
    ts: 0,
    direction: 'to-server',
  });
  const tlsWith = (event: ProtocolEvent) => eventProtocol('tls', 'HELLO', () => [event], { encrypted: true });

  it('marks TLS encrypted with SNI and ALPN, and recognises Istio and Linkerd mTLS', () => {
    const records = tcpConversation(web, [{ from: 'client', data: 'HELLO\n' }]);
    const plain = only(
      run(records, { protocols: [tlsWith(hello('shop.example', ['h2', 'http/1.1']))] }).flows,
    );
    expect(plain).toMatchObject({
      protocol: 'tls',
      encrypted: true,
      tls: { sni: 'shop.example', alpn: ['h2', 'http/1.1'] },
    });
    expect(plain.mesh).toBeUndefined();
    expect(plain.l7?.tls).toMatchObject({ sni: 'shop.example', version: 'TLS1.3', ja3Hash: 'abc' });
    const istio = only(
      run(records, {
        protocols: [tlsWith(hello('outbound_.8080_._.cart', ['istio-peer-exchange', 'istio']))],
      }).flows,
    );
    expect(istio.mesh).toBe('istio');
    const linkerd = only(
      run(records, {
        protocols: [tlsWith(hello('web.ns.serviceaccount.identity.linkerd.cluster.local', []))],
      }).flows,
    );
    expect(linkerd.mesh).toBe('linkerd');
  });

  it('summarises DNS over UDP, SQL verbs, Redis commands, Kafka, MQTT and SSH', () => {
    const events: Record<string, ProtocolEvent[]> = {
      dns: [
        {
          kind: 'dns-message',
          id: 1,
          isResponse: false,
          opcode: 0,
          rcode: 'NOERROR',
          questions: [{ name: 'a.example', type: 'A' }],
          answers: [],
          size: 30,
          transport: 'udp',
          ts: 0,
          direction: 'to-server',
        },
        {
          kind: 'dns-message',
          id: 1,
          isResponse: true,
          opcode: 0,
          rcode: 'NXDOMAIN',
          questions: [{ name: 'a.example', type: 'A' }],
          answers: [],
          size: 30,
          transport: 'udp',
          ts: 0,
          direction: 'to-client',
        },
      ],
      sql: [
        {
          kind: 'sql-query',
          dialect: 'postgresql',
          text: '  /* hint */ select * from t',
          ts: 0,
          direction: 'to-server',
        },
      ],
      redis: [{ kind: 'redis-command', command: 'get', args: ['k'], seq: 0, ts: 0, direction: 'to-server' }],
      kafka: [
        {
          kind: 'kafka-request',
          apiKey: 0,
          api: 'Produce',
          topics: ['orders'],
          ts: 0,
          direction: 'to-server',
        },
      ],
      mqtt: [{ kind: 'mqtt', packet: 'PUBLISH', topics: ['home/temp'], ts: 0, direction: 'to-server' }],
      ssh: [
        {
          kind: 'ssh-banner',
          protocolVersion: '2.0',
          software: 'OpenSSH_9.6',
          ts: 0,
          direction: 'to-server',
        },
      ],
    };
    const dns = eventProtocol('dns', 'Q', () => events.dns ?? [], { transport: 'udp' });
    const dnsFlow = only(
      run(udpExchange({ ...web, serverPort: 53 }, [{ from: 'client', data: 'Q\n' }]), { protocols: [dns] })
        .flows,
    );
    expect(dnsFlow.l7?.dns).toEqual({ queries: [{ name: 'a.example', type: 'A' }], rcodes: ['NXDOMAIN'] });
    const tcp = (id: 'postgresql' | 'redis' | 'kafka' | 'mqtt' | 'ssh', key: string) =>
      only(
        run(tcpConversation(web, [{ from: 'client', data: 'GO\n' }]), {
          protocols: [eventProtocol(id, 'GO', () => events[key] ?? [])],
        }).flows,
      ).l7;
    expect(tcp('postgresql', 'sql')?.sql).toEqual({ verbs: ['SELECT'] });
    expect(tcp('redis', 'redis')?.redis).toEqual({ commands: ['GET'] });
    expect(tcp('kafka', 'kafka')?.kafka).toEqual({ topics: ['orders'], apis: ['Produce'] });
    expect(tcp('mqtt', 'mqtt')?.mqtt).toEqual({ topics: ['home/temp'], packets: ['PUBLISH'] });
    expect(tcp('ssh', 'ssh')?.ssh).toEqual({ client: 'OpenSSH_9.6' });
  });

  it('keeps every summary list within its bound', () => {
    const http = eventProtocol('http', 'REQ', (line) => [
      request('GET', `/p/${line}`, [['user-agent', line]]),
    ]);
    const lines = Array.from({ length: 300 }, (_, i) => `x${i}`).join('\n');
    const flow = only(
      run(tcpConversation(web, [{ from: 'client', data: `REQ\n${lines}\n` }]), { protocols: [http] }).flows,
    );
    expect(flow.l7?.http?.paths).toHaveLength(64);
    expect(flow.l7?.http?.userAgents).toHaveLength(16);
  });
});

describe('engine: flows, observers, bounds', () => {
  it('tells observers every packet, every event, every flow end, and returns what they drain', () => {
    const seen: string[] = [];
    const observer: EngineObserver = {
      onPacket: (p) => seen.push(`packet ${p.transport} ${p.tcpFlags}`),
      onEvent: (flow, event) => seen.push(`event ${flow.protocol} ${event.kind}`),
      onFlowEnd: (flow) => seen.push(`end ${flow.client.port}->${flow.server.port}`),
      drain: (now) => [
        {
          type: 'threat',
          threat: 'demo',
          severity: 'low',
          confidence: 1,
          transport: 'tcp',
          client: web && { ip: web.client, port: 1 },
          server: { ip: web.server, port: 2 },
          protocol: 'nats',
          evidence: 'x',
          firstSeen: new Date(now).toISOString(),
          lastSeen: new Date(now).toISOString(),
          count: 1,
        },
      ],
    };
    const ping = lineProtocol('nats', { 'to-server': 'PING ' });
    const records = tcpConversation(web, [{ from: 'client', data: 'PING a\n' }], { close: false });
    const { findings } = run(records, { protocols: [ping], observers: [observer] });
    expect(seen).toEqual([
      `packet tcp ${flags.syn}`,
      `packet tcp ${flags.syn | flags.ack}`,
      `packet tcp ${flags.ack}`,
      `packet tcp ${flags.ack | flags.psh}`,
      'event nats operation',
      'end 40000->80',
    ]);
    expect(findings.map((f) => f.type)).toEqual(['flow', 'threat']);
  });

  it('stops parsing a direction past summaryBytes unless an observer reads events, and keeps counting', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ from: 'client' as const, data: `PING ${i}\n` }));
    const parsedWith = (observers: EngineObserver[]) => {
      const log: string[] = [];
      const ping = lineProtocol('nats', { 'to-server': 'PING ' }, log);
      const records = tcpConversation(web, messages);
      const flow = only(run(records, { protocols: [ping], observers, limits: { summaryBytes: 20 } }).flows);
      expect(flow.bytes.toServer).toBe(70);
      expect(flow.packets.toServer).toBe(14);
      return log;
    };
    // 7-byte chunks: the third crosses 20 bytes and is the last one parsed.
    expect(parsedWith([])).toEqual(['to-server:PING 0', 'to-server:PING 1', 'to-server:PING 2']);
    expect(parsedWith([{ onFlowEnd: () => undefined }])).toHaveLength(3);
    expect(parsedWith([{ onEvent: () => undefined }])).toHaveLength(10);
  });

  it("parses only a protocol's summary directions unless an observer reads events", () => {
    const parsedWith = (observers: EngineObserver[]) => {
      const log: string[] = [];
      const ping = {
        ...lineProtocol('redis', { 'to-server': 'PING ' }, log),
        summaryDirections: ['to-server'],
      };
      const records = tcpConversation(web, [
        { from: 'client', data: 'PING a\n' },
        { from: 'server', data: 'PONG a\n' },
        { from: 'client', data: 'PING b\n' },
      ]);
      const flow = only(run(records, { protocols: [ping as Protocol], observers }).flows);
      expect(flow.bytes).toEqual({ toServer: 14, toClient: 7 });
      return log;
    };
    expect(parsedWith([])).toEqual(['to-server:PING a', 'to-server:PING b']);
    expect(parsedWith([{ onEvent: () => undefined }])).toEqual([
      'to-server:PING a',
      'to-client:PONG a',
      'to-server:PING b',
    ]);
  });

  it('ends idle flows on flush(now) and keeps the active ones', () => {
    const engine = createEngine({ protocols: [] });
    for (const r of tcpConversation(web, [{ from: 'client', data: 'x' }], { close: false, start: 0 }))
      engine.push(r);
    for (const r of tcpConversation({ ...web, clientPort: 40001 }, [{ from: 'client', data: 'y' }], {
      close: false,
      start: 400_000,
    }))
      engine.push(r);
    const idle = engine.flush(400_010);
    expect(idle.map((f) => f.type === 'flow' && f.client.port)).toEqual([40000]);
    expect(engine.stats().flows.active).toBe(1);
  });

  it('evicts the least recently used flow when the table is full, and counts it', () => {
    const engine = createEngine({ protocols: [], limits: { flows: { maxFlows: 3 } } });
    for (let i = 0; i < 10; i++) {
      for (const r of tcpConversation({ ...web, clientPort: 41000 + i }, [], { close: false, start: i * 10 }))
        engine.push(r);
      expect(engine.stats().flows.active).toBeLessThanOrEqual(3);
    }
    const stats = engine.stats();
    expect(stats.flows.evicted).toBe(7);
    const findings = engine.flush();
    expect(
      splitFindings(findings).flows.filter((f) =>
        f.notes?.includes('flow table full: evicted before its end'),
      ),
    ).toHaveLength(7);
  });

  it('reports UDP and ICMP flows, and counts packets that do not decode', () => {
    const engine = createEngine({ protocols: [] });
    for (const r of udpExchange({ ...web, serverPort: 53 }, [
      { from: 'client', data: 'q' },
      { from: 'server', data: 'r' },
    ]))
      engine.push(r);
    engine.push(
      record(
        tcp4Frame({ src: '1.1.1.1', dst: '2.2.2.2', srcPort: 1, dstPort: 2, flags: flags.syn }).subarray(
          0,
          30,
        ),
        5,
      ),
    );
    const findings = engine.flush() as FlowFinding[];
    expect(findings.map((f) => [f.transport, f.packets.toServer, f.packets.toClient])).toEqual([
      ['udp', 1, 1],
    ]);
    expect(engine.stats().decode).toMatchObject({ ok: 2, 'truncated-ip': 1 });
  });
});
