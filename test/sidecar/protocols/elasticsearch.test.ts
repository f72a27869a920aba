import { describe, expect, it } from 'vitest';
import { elasticsearch } from '#sidecar/protocols/elasticsearch.ts';
import {
  ascii,
  concat,
  contractCheck,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  hex,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { samplesExcept } from '#test/fixtures/protocols/wire-samples.ts';

// Built by hand from Elasticsearch's transport code: TcpHeader (marker, length, request id, status, version, and
// from 7.6 the variable header's size), ThreadContext.writeTo (request headers as a string map, response headers as
// a map of string lists), the request's features (a string array, before 8.0) and action; StreamOutput's vint and
// writeString (a vint count of UTF-16 units, then the units in UTF-8).
const i32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
};
const vint = (n: number): Uint8Array => {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Uint8Array.from(out);
};
const str = (s: string): Uint8Array => concat(vint(s.length), Buffer.from(s, 'utf8'));
const strings = (list: string[]): Uint8Array => concat(vint(list.length), ...list.map(str));

type Message = {
  id: number;
  status: number;
  version: number;
  headers?: [string, string][];
  responseHeaders?: [string, string[]][];
  features?: string[] | undefined;
  action?: string;
  body?: Uint8Array;
};
const V6_8_0 = 6_080_099;
const V7_17_0 = 7_170_099;
const V8_TRANSPORT = 8_500_061;

const message = (m: Message): Uint8Array => {
  const context = concat(
    vint(m.headers?.length ?? 0),
    ...(m.headers ?? []).flatMap(([k, v]) => [str(k), str(v)]),
    vint(m.responseHeaders?.length ?? 0),
    ...(m.responseHeaders ?? []).flatMap(([k, vs]) => [str(k), strings(vs)]),
  );
  const request = (m.status & 1) === 0;
  const variable = concat(
    context,
    request && m.features !== undefined ? strings(m.features) : new Uint8Array(0),
    request && m.action !== undefined ? str(m.action) : new Uint8Array(0),
  );
  const sized = m.version >= 7_060_099 ? concat(i32(variable.length), variable) : variable;
  const rest = concat(
    hex('00000000'),
    i32(m.id),
    Uint8Array.of(m.status),
    i32(m.version),
    sized,
    m.body ?? hex('00'),
  );
  return concat(ascii('ES'), i32(rest.length), rest);
};

const ping = concat(ascii('ES'), hex('ffffffff'));
const handshake6 = message({
  id: 1,
  status: 0x08,
  version: V6_8_0,
  features: ['x-pack'],
  action: 'internal:tcp/handshake',
  body: hex('00045cc663'),
});
const handshakeReply6 = message({ id: 1, status: 0x09, version: V6_8_0, body: hex('005cc663') });
const search7 = message({
  id: 10,
  status: 0,
  version: V7_17_0,
  headers: [
    ['_xpack_security_authentication', 'Py/auAwEHX3N5c3Rl'],
    ['X-Opaque-Id', 'café-42'],
  ],
  responseHeaders: [['Warning', ['299 Elasticsearch "deprecated"', 'second']]],
  features: ['x-pack'],
  action: 'indices:data/read/search[phase/query]',
  body: new Uint8Array(64).fill(7),
});
const searchReply7 = message({ id: 10, status: 0x01, version: V7_17_0, body: new Uint8Array(40).fill(3) });
const failed7 = message({ id: 11, status: 0x03, version: V7_17_0 });
const bulk8 = message({ id: 12, status: 0, version: V8_TRANSPORT, action: 'indices:data/write/bulk[s]' });

describe('elasticsearch detect', () => {
  it('matches a request and a response header, before and after 7.6, and a keep-alive ping', () => {
    for (const [bytes, direction] of [
      [handshake6, 'to-server'],
      [handshakeReply6, 'to-client'],
      [search7, 'to-server'],
      [searchReply7, 'to-client'],
      [bulk8, 'to-server'],
      [ping, 'to-server'],
    ] as const)
      expect(elasticsearch.detect(bytes, direction)).toBe('match');
  });

  it('needs more until the whole fixed header is there, octet by octet', () => {
    for (let n = 0; n < 19; n++)
      expect(elasticsearch.detect(search7.subarray(0, n), 'to-server')).toBe('need-more');
    expect(elasticsearch.detect(search7.subarray(0, 19), 'to-server')).toBe('match');
  });

  it('rejects a wrong marker, a length too short or too large, unknown status bits and implausible versions', () => {
    const with_ = (at: number, ...bytes: number[]) => {
      const b = search7.slice();
      b.set(bytes, at);
      return b;
    };
    expect(elasticsearch.detect(ascii('ESMTP ready\r\n'), 'to-client')).toBe('no-match');
    expect(elasticsearch.detect(with_(1, 0x54), 'to-server')).toBe('no-match');
    expect(elasticsearch.detect(with_(2, 0, 0, 0, 12), 'to-server')).toBe('no-match');
    expect(elasticsearch.detect(with_(2, 0x40), 'to-server')).toBe('no-match');
    expect(elasticsearch.detect(with_(14, 0x10), 'to-server')).toBe('no-match');
    expect(elasticsearch.detect(with_(15, 0, 0, 0x03, 0xe7), 'to-server')).toBe('no-match');
    expect(elasticsearch.detect(with_(15, 0x7f, 0xff, 0xff, 0xff), 'to-server')).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('elasticsearch')) {
      expect([sample.protocol, elasticsearch.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('elasticsearch parser', () => {
  const op = (direction: string, operation: string) => ({
    kind: 'operation',
    direction,
    protocol: 'elasticsearch',
    operation,
  });
  const session: Segment[] = [
    ['to-server', concat(handshake6, ping)],
    ['to-client', handshakeReply6],
    ['to-server', search7],
    ['to-client', concat(searchReply7, failed7)],
    ['to-server', bulk8],
  ];
  const expected = [
    op('to-server', 'internal:tcp/handshake'),
    op('to-server', 'indices:data/read/search[phase/query]'),
    op('to-client', 'error'),
    op('to-server', 'indices:data/write/bulk[s]'),
  ];

  it('names each request’s action past the thread context (UTF-8 values, header lists) and reports errors', () => {
    expect(feed(elasticsearch, session)).toEqual(expected);
  });

  it('gives the same events for every split point and byte by byte', () => {
    expect(everySplitAgrees(elasticsearch, session).mismatch).toBeUndefined();
    expect(feedByteByByte(elasticsearch, session)).toEqual(expected);
  });

  it('names no action it cannot read: compressed before 7.6, or a string that is no action name', () => {
    const compressed = message({ id: 2, status: 0x04, version: V6_8_0, features: [], action: 'indices:x' });
    const odd = message({ id: 3, status: 0, version: V7_17_0, features: [], action: 'no action here' });
    expect(feed(elasticsearch, [['to-server', concat(compressed, odd)]])).toEqual([]);
  });

  it('stops a direction whose bytes lose the framing', () => {
    expect(
      feed(elasticsearch, [['to-server', concat(search7, ascii('GET / HTTP/1.1\r\n\r\n'), bulk8)]]),
    ).toEqual([op('to-server', 'indices:data/read/search[phase/query]')]);
  });

  it('passes the local contract check', () => {
    expect(contractCheck(elasticsearch, ['to-server', search7]).randomMatches).toBe(0);
  });
});

describe('elasticsearch among every registered protocol (engine order, first match wins)', () => {
  it('labels a session elasticsearch from either side', () => {
    expect(engineLabel([['to-server', search7]])).toBe('elasticsearch');
    expect(engineLabel([['to-client', searchReply7]])).toBe('elasticsearch');
    expect(engineLabel([['to-server', ping]])).toBe('elasticsearch');
  });
});
