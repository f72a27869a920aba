import { describe, expect, it } from 'vitest';
import { cassandra } from '#sidecar/protocols/cassandra.ts';
import {
  ascii,
  concat,
  contractCheck,
  detectFlow,
  engineLabel,
  everySplitAgrees,
  feed,
  feedByteByByte,
  hex,
  ndpiFlows,
  type Segment,
} from '#test/fixtures/protocols/protocol-harness.ts';
import { samplesExcept } from '#test/fixtures/protocols/wire-samples.ts';

// Built from native_protocol_v4.spec (§2 frame header: version, flags, stream, opcode, length; §3 notations;
// §4 messages) and native_protocol_v5.spec §2.2 (segments).
const frame = (version: number, stream: number, opcode: number, body: Uint8Array): Uint8Array => {
  const head = new Uint8Array(9);
  const view = new DataView(head.buffer);
  view.setUint8(0, version);
  view.setInt16(2, stream);
  view.setUint8(4, opcode);
  view.setUint32(5, body.length);
  return concat(head, body);
};
const str = (s: string): Uint8Array => concat(Uint8Array.of(s.length >> 8, s.length & 0xff), ascii(s));
const long = (s: string): Uint8Array => {
  const n = new Uint8Array(4);
  new DataView(n.buffer).setInt32(0, Buffer.byteLength(s));
  return concat(n, ascii(s));
};
const options = frame(0x04, 0, 5, new Uint8Array(0));
const supported = frame(0x84, 0, 6, concat(hex('0001'), str('CQL_VERSION'), hex('0001'), str('3.4.5')));
const startup = frame(0x04, 1, 1, concat(hex('0001'), str('CQL_VERSION'), str('3.0.0')));
const ready = frame(0x84, 1, 2, new Uint8Array(0));
// QUERY: [long string] query, [consistency] ONE, [byte] flags 0.
const query = frame(0x04, 2, 7, concat(long('SELECT * FROM shop.users WHERE id = 42'), hex('0001 00')));
const prepare = frame(0x04, 3, 9, long('INSERT INTO shop.orders (id, total) VALUES (?, ?)'));
// BATCH: type LOGGED, 2 statements (a query with 0 values, a prepared id with 1 value), consistency, flags.
const batch = frame(
  0x04,
  4,
  13,
  concat(
    hex('00 0002'),
    hex('00'),
    long("UPDATE shop.stock SET n = 1 WHERE sku = 'a'"),
    hex('0000'),
    hex('01 0002 abcd 0001 00000001 07'),
    hex('0001 00'),
  ),
);
// ERROR: code 0x0100 (Bad credentials), [string] message.
const badCredentials = frame(
  0x84,
  5,
  0,
  concat(hex('00000100'), str('Provided username app and/or password are incorrect')),
);

/** v5 uncompressed segment: 17-bit length + self-contained bit (LE), CRC24 (not checked), payload, CRC32 (not checked). */
const segment = (payload: Uint8Array): Uint8Array => {
  const h = payload.length | (1 << 17);
  return concat(
    Uint8Array.of(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff),
    hex('000000'),
    payload,
    hex('00000000'),
  );
};

describe('cassandra detect', () => {
  it('matches a minimal OPTIONS and a realistic STARTUP, SUPPORTED, READY', () => {
    expect(cassandra.detect(options, 'to-server')).toBe('match');
    expect(cassandra.detect(startup, 'to-server')).toBe('match');
    expect(cassandra.detect(supported, 'to-client')).toBe('match');
    expect(cassandra.detect(ready, 'to-client')).toBe('match');
  });

  it('matches a QUERY picked up mid-stream and the internode magic', () => {
    expect(cassandra.detect(query, 'to-server')).toBe('match');
    expect(cassandra.detect(hex('ca552dfa 0c0a0c11'), 'to-server')).toBe('match');
  });

  it('needs more on a too-short prefix', () => {
    for (const n of [1, 4, 8])
      expect(cassandra.detect(startup.subarray(0, n), 'to-server')).toBe('need-more');
    expect(cassandra.detect(startup.subarray(0, 20), 'to-server')).toBe('need-more');
    expect(cassandra.detect(hex('ca55'), 'to-server')).toBe('need-more');
  });

  it('rejects a request in the response direction, an unknown opcode and an inconsistent STARTUP map', () => {
    expect(cassandra.detect(options, 'to-client')).toBe('no-match');
    expect(cassandra.detect(frame(0x04, 0, 4, new Uint8Array(0)), 'to-server')).toBe('no-match');
    expect(
      cassandra.detect(frame(0x04, 1, 1, concat(hex('0002'), str('CQL_VERSION'), str('3.0.0'))), 'to-server'),
    ).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('cassandra')) {
      expect([sample.protocol, cassandra.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('cassandra parser', () => {
  const session: Segment[] = [
    ['to-server', options],
    ['to-client', supported],
    ['to-server', startup],
    ['to-client', ready],
    ['to-server', concat(query, prepare, batch)],
    ['to-client', badCredentials],
  ];
  const cql = (text: string) => ({ kind: 'sql-query', direction: 'to-server', dialect: 'cassandra', text });
  const expected = [
    cql('SELECT * FROM shop.users WHERE id = 42'),
    cql('INSERT INTO shop.orders (id, total) VALUES (?, ?)'),
    cql("UPDATE shop.stock SET n = 1 WHERE sku = 'a'"),
    {
      kind: 'operation',
      direction: 'to-client',
      protocol: 'cassandra',
      operation: 'ERROR',
      detail: '0x0100 Provided username app and/or password are incorrect',
    },
  ];

  it('emits CQL text from QUERY, PREPARE and BATCH, and errors', () => {
    expect(feed(cassandra, session)).toEqual(expected);
  });

  it('gives the same events for every split point and byte by byte', () => {
    expect(everySplitAgrees(cassandra, session).mismatch).toBeUndefined();
    expect(feedByteByByte(cassandra, session)).toEqual(expected);
  });

  it('reads v5 frames inside segments after READY', () => {
    const v5: Segment[] = [
      ['to-server', frame(0x05, 0, 1, concat(hex('0001'), str('CQL_VERSION'), str('3.0.0')))],
      ['to-client', frame(0x85, 0, 2, new Uint8Array(0))],
      [
        'to-server',
        segment(
          concat(
            frame(0x05, 1, 7, concat(long('SELECT now() FROM system.local'), hex('0001 00000000'))),
            frame(0x05, 2, 5, new Uint8Array(0)),
          ),
        ),
      ],
    ];
    expect(feed(cassandra, v5)).toEqual([cql('SELECT now() FROM system.local')]);
    expect(everySplitAgrees(cassandra, v5).mismatch).toBeUndefined();
  });

  it('passes the local contract check', () => {
    expect(contractCheck(cassandra, ['to-server', startup]).randomMatches).toBe(0);
  });
});

describe('cassandra on nDPI cassandra.pcap (real bytes)', () => {
  it('detects all 3 flows: CQL v4, CQL v5 and internode', () => {
    const flows = ndpiFlows('cassandra');
    expect(flows.map((f) => detectFlow(cassandra, f.segments))).toEqual([true, true, true]);
  });
});

describe('cassandra among every registered protocol (engine order, first match wins)', () => {
  it('labels every nDPI flow cassandra', () => {
    const flows = ndpiFlows('cassandra');
    expect(flows.map((f) => engineLabel(f.segments))).toEqual(flows.map(() => 'cassandra'));
  });
});
