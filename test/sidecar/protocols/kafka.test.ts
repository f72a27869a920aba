import { describe, expect, it } from 'vitest';
import { kafka } from '#sidecar/protocols/kafka.ts';
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

// Built from kafka.apache.org/protocol (request header v1: size, api_key, api_version, correlation_id, client_id).
const frame = (body: Uint8Array): Uint8Array => {
  const size = new Uint8Array(4);
  new DataView(size.buffer).setInt32(0, body.length);
  return concat(size, body);
};
const str = (s: string): Uint8Array => concat(Uint8Array.of(0, s.length), ascii(s));
// ApiVersions v0 (api_key 18), correlation 1, client "rdkafka", empty body.
const apiVersions = frame(concat(hex('0012 0000 00000001'), str('rdkafka')));
// Metadata v1 (api_key 3): topics ARRAY of STRING.
const metadataV1 = frame(
  concat(hex('0003 0001 00000002'), str('app'), hex('00000002'), str('orders'), str('payments')),
);
// Fetch v4 (api_key 1): replica_id, max_wait_ms, min_bytes, max_bytes, isolation_level, then
// [topic [partition, fetch_offset, partition_max_bytes]].
const fetchV4 = frame(
  concat(
    hex('0001 0004 00000003'),
    str('app'),
    hex('ffffffff 000001f4 00000001 03200000 00'),
    hex('00000001'),
    str('orders'),
    hex('00000001 00000000 0000000000000010 00100000'),
  ),
);
// Produce v3 (api_key 0): transactional_id null, acks 1, timeout 5000, [topic [partition, records]].
const produceV3 = frame(
  concat(
    hex('0000 0003 00000004'),
    str('app'),
    hex('ffff 0001 00001388 00000001'),
    str('orders'),
    hex('00000001 00000000 00000003 010203'),
  ),
);

describe('kafka detect', () => {
  it('matches a minimal ApiVersions and realistic Metadata, Fetch and Produce requests', () => {
    for (const bytes of [apiVersions, metadataV1, fetchV4, produceV3])
      expect(kafka.detect(bytes, 'to-server')).toBe('match');
  });

  it('needs more on a too-short prefix', () => {
    for (const n of [2, 8, 13, 16])
      expect(kafka.detect(apiVersions.subarray(0, n), 'to-server')).toBe('need-more');
    expect(kafka.detect(metadataV1.subarray(0, metadataV1.length - 1), 'to-server')).toBe('need-more');
  });

  it('rejects an unknown api key, a too-new version, and a body that does not end where the size says', () => {
    expect(kafka.detect(frame(concat(hex('0fff 0000 00000001'), str('x'))), 'to-server')).toBe('no-match');
    expect(kafka.detect(frame(concat(hex('0012 0063 00000001'), str('x'))), 'to-server')).toBe('no-match');
    expect(
      kafka.detect(
        frame(concat(hex('0003 0001 00000002'), str('app'), hex('00000001'), str('orders'), hex('00'))),
        'to-server',
      ),
    ).toBe('no-match');
  });

  it('says no-match on every other protocol sample (a ZooKeeper ConnectRequest reads as a short Produce v0)', () => {
    for (const sample of samplesExcept('kafka')) {
      expect([sample.protocol, kafka.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('kafka parser', () => {
  const session: Segment[] = [
    ['to-server', concat(apiVersions, metadataV1)],
    ['to-client', hex('0000000a 00000001 0000 00000000')],
    ['to-server', concat(fetchV4, produceV3)],
  ];
  const expected = [
    { kind: 'kafka-request', direction: 'to-server', apiKey: 18, api: 'ApiVersions', topics: [] },
    {
      kind: 'kafka-request',
      direction: 'to-server',
      apiKey: 3,
      api: 'Metadata',
      topics: ['orders', 'payments'],
    },
    { kind: 'kafka-request', direction: 'to-server', apiKey: 1, api: 'Fetch', topics: ['orders'] },
    { kind: 'kafka-request', direction: 'to-server', apiKey: 0, api: 'Produce', topics: ['orders'] },
  ];

  it('emits each request with its API name and topics', () => {
    expect(feed(kafka, session)).toEqual(expected);
  });

  it('gives the same events for every split point and byte by byte', () => {
    expect(everySplitAgrees(kafka, session).mismatch).toBeUndefined();
    expect(feedByteByByte(kafka, session)).toEqual(expected);
  });

  it('reads the first topic of a 200 KiB Produce and goes on with the next request', () => {
    const records = new Uint8Array(200_000);
    const big = frame(
      concat(
        hex('0000 0003 00000005'),
        str('app'),
        hex('ffff 0001 00001388 00000001'),
        str('bulk'),
        hex('00000001 00000000 00030d40'),
        records,
      ),
    );
    const topics = (feed(kafka, [['to-server', concat(big, apiVersions)]]) as { topics: string[] }[]).map(
      (e) => e.topics,
    );
    expect(topics).toEqual([['bulk'], []]);
  });

  it('passes the local contract check', () => {
    expect(contractCheck(kafka, ['to-server', metadataV1]).randomMatches).toBe(0);
  });
});

describe('kafka on nDPI kafka.pcapng (real bytes)', () => {
  const flows = ndpiFlows('kafka');

  it('detects all 9 flows, including the one nDPI only matched by port', () => {
    expect(flows.map((f) => detectFlow(kafka, f.segments))).toEqual(flows.map(() => true));
  });

  it('reads topics from Metadata v2 and v12 and Produce v3 and v9', () => {
    const events = flows.flatMap((f) => feed(kafka, f.segments)) as { api: string; topics: string[] }[];
    const seen = new Set(events.map((e) => `${e.api}:${e.topics.join(',')}`));
    expect([...seen].sort()).toEqual(
      [
        'ApiVersions:',
        'InitProducerId:',
        'Metadata:LB_MAIN_LOG_INPUT',
        'Metadata:sampleTopic',
        'Produce:LB_MAIN_LOG_INPUT',
        'Produce:sampleTopic',
      ].sort(),
    );
  });
});

describe('kafka among every registered protocol (engine order, first match wins)', () => {
  it('labels every nDPI flow kafka', () => {
    const flows = ndpiFlows('kafka');
    expect(flows.map((f) => engineLabel(f.segments))).toEqual(flows.map(() => 'kafka'));
  });
});
