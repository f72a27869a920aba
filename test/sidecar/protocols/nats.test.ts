import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { nats } from '#sidecar/protocols/nats.ts';
import {
  ascii,
  contractCheck,
  detectFlow,
  everySplitAgrees,
  feed,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { clientHelloSample } from '#test/fixtures/protocols/wire-samples.ts';
import { startRecorder } from './loopback-recorder.ts';
import { itRejectsForeignBytes, mutatedFlowsParse } from './ndpi-flow-checks.ts';
import { converse, freePort, startServer } from './real-server.ts';

const ops = (events: unknown[]): string[] =>
  (events as OperationEvent[]).map((e) =>
    `${e.direction === 'to-server' ? 'C' : 'S'} ${e.operation} ${e.detail ?? ''}`.trim(),
  );

// docs.nats.io "Client Protocol": INFO {json} from the server first; CONNECT {json}; PUB/SUB/MSG lines.
const info = ascii(
  'INFO {"server_id":"NAB","server_name":"east-1","version":"2.9.10","proto":1,"max_payload":1048576}\r\n',
);

describe('nats detect', () => {
  it('matches INFO and CONNECT with NATS JSON, and exact PUB/SUB lines', () => {
    expect(nats.detect(info, 'to-client')).toBe('match');
    expect(nats.detect(ascii('CONNECT {"verbose":false,"lang":"go"}\r\n'), 'to-server')).toBe('match');
    expect(nats.detect(ascii('PUB orders.created 5\r\nhello\r\n'), 'to-server')).toBe('match');
    expect(nats.detect(ascii('PUB a.b _INBOX.x 0\r\n\r\n'), 'to-server')).toBe('match');
    expect(nats.detect(ascii('SUB orders.* workers 1\r\n'), 'to-server')).toBe('match');
  });

  it('needs more on prefixes and an unfinished payload; rejects other JSON, HTTP CONNECT, PING', () => {
    expect(nats.detect(ascii('INF'), 'to-client')).toBe('need-more');
    expect(nats.detect(ascii('INFO {"server_id":'), 'to-client')).toBe('need-more');
    expect(nats.detect(ascii('PUB a 5\r\nhel'), 'to-server')).toBe('need-more');
    expect(nats.detect(ascii('INFO {"hello":1}\r\n'), 'to-client')).toBe('no-match');
    expect(nats.detect(ascii('CONNECT example.com:443 HTTP/1.1\r\n'), 'to-server')).toBe('no-match');
    expect(nats.detect(ascii('PUB a 5\r\nhelloXX'), 'to-server')).toBe('no-match');
    expect(nats.detect(ascii('PING\r\n'), 'to-server')).toBe('no-match');
  });

  itRejectsForeignBytes(nats, ['nats']);
});

describe('nats parser', () => {
  const session: Segment[] = [
    ['to-client', info],
    [
      'to-server',
      ascii('CONNECT {"lang":"go","version":"1.31.0","user":"svc","pass":"s3cret"}\r\nSUB orders.> 1\r\n'),
    ],
    [
      'to-server',
      ascii(
        'PUB orders.created 14\r\nPUB fake.one 1\r\nHPUB orders.audit 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPING\r\n',
      ),
    ],
    [
      'to-client',
      ascii("+OK\r\nMSG orders.created 1 14\r\nPUB fake.one 1\r\nPONG\r\n-ERR 'Authorization Violation'\r\n"),
    ],
  ];

  it('emits operations with subjects, never credentials, and skips payloads', () => {
    expect(ops(feed(nats, session))).toEqual([
      'S INFO server_name=east-1 version=2.9.10 proto=1',
      'C CONNECT lang=go version=1.31.0',
      'C SUB orders.> 1',
      'C PUB orders.created',
      'C HPUB orders.audit',
      'S MSG orders.created',
      "S -ERR 'Authorization Violation'",
    ]);
    expect(everySplitAgrees(nats, session).mismatch).toBeUndefined();
  });

  it('decodes nDPI nats.pcap (nats-server 2.1.6 and the C client)', () => {
    const [flow] = ndpiFlows('nats');
    expect(flow && detectFlow(nats, flow.segments)).toBe(true);
    expect(ops(feed(nats, flow?.segments ?? [])).slice(0, 2)).toEqual([
      'S INFO server_name=NALG56HQZ4C4ILRHCGYWMCSBVC5W2QHX6WKGH7A2I34P3DCEHISN72B7 version=2.1.6 proto=1',
      'C CONNECT name= lang=C version=2.1.0 protocol=1',
    ]);
  });

  it("never throws on nDPI's real flows with octets overwritten, split and with gaps", () => {
    expect(mutatedFlowsParse(nats, 3, 0xf6d2)).toBeGreaterThan(300);
  });

  it('passes the local contract check (random bytes never match, never throw)', () => {
    expect(contractCheck(nats, ['to-client', info]).randomMatches).toBe(0);
  });
});

describe('nats on real traffic: nats-server on loopback', () => {
  it('identifies the server INFO and follows a publish to a subscription', async () => {
    const port = await freePort();
    const server = await startServer('nats-server', ['-a', '127.0.0.1', '-p', String(port)], port);
    const recorder = await startRecorder(port);
    await converse(recorder.port, [
      'CONNECT {"verbose":true,"pedantic":false,"lang":"test","version":"0.1"}\r\n',
      'SUB jobs.* 7\r\n',
      'PUB jobs.new 3\r\nabc\r\n',
      'PING\r\n',
    ]);
    await recorder.close();
    await server.stop();
    const segments = recorder.chunks.map((c): Segment => [c.direction, c.bytes]);
    expect(detectFlow(nats, segments)).toBe(true);
    const seen = ops(feed(nats, segments));
    expect(seen[0]).toMatch(/^S INFO server_name=\S+ version=2\.9\.\d+ proto=1$/);
    expect(seen.slice(1)).toEqual([
      'C CONNECT lang=test version=0.1',
      'C SUB jobs.* 7',
      'C PUB jobs.new',
      'S MSG jobs.new',
    ]);
  });
});

describe('nats turning to TLS (docs.nats.io "Client Protocol": INFO tls_required, tls_available)', () => {
  const kinds = (events: unknown[]) => (events as { kind: string }[]).map((e) => e.kind);
  const info = (fields: string) =>
    ascii(`INFO {"server_id":"N1","version":"2.10.0","proto":1,${fields}}\r\n`);

  it('reads the client TLS hello that follows an INFO requiring TLS', () => {
    const events = feed(nats, [
      ['to-client', info('"tls_required":true')],
      ['to-server', clientHelloSample],
    ]);
    expect(kinds(events)).toEqual(['operation', 'tls-record', 'tls-client-hello']);
  });

  it('after an INFO offering TLS, follows the client: its TLS hello, or its CONNECT in the clear', () => {
    const offered = info('"tls_available":true');
    expect(
      kinds(
        feed(nats, [
          ['to-client', offered],
          ['to-server', clientHelloSample],
        ]),
      ),
    ).toEqual(['operation', 'tls-record', 'tls-client-hello']);
    const clear = feed(nats, [
      ['to-client', offered],
      ['to-server', ascii('CONNECT {"verbose":false,"lang":"go"}\r\nPUB a 1\r\nx\r\n')],
    ]);
    expect(kinds(clear)).toEqual(['operation', 'operation', 'operation']);
  });

  it("decides on the client's first chunk after the offer only: a later payload starting 0x16 is not a hello", () => {
    // A client that began its CONNECT line before the INFO, then publishes a payload whose first octet is 0x16.
    const events = feed(nats, [
      ['to-server', ascii('CONN')],
      ['to-client', info('"tls_available":true')],
      ['to-server', ascii('ECT {"verbose":false}\r\nPUB a 3\r\n')],
      ['to-server', ascii('\x16ab\r\n')],
      ['to-server', ascii('SUB secrets 1\r\n')],
    ]);
    expect(events.at(-1)).toMatchObject({ kind: 'operation', operation: 'SUB', detail: 'secrets 1' });
  });
});
