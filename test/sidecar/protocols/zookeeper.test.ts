import { describe, expect, it } from 'vitest';
import { zookeeper } from '#sidecar/protocols/zookeeper.ts';
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

// Built by hand from ZooKeeper's jute definitions (zookeeper-jute/src/main/resources/zookeeper.jute:
// ConnectRequest, ConnectResponse, RequestHeader, ReplyHeader, GetDataRequest, CreateRequest) and
// ZooDefs.OpCode / KeeperException.Code; four-letter words from the Administrator's Guide.
const i32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
};
const framed = (...parts: Uint8Array[]): Uint8Array => {
  const body = concat(...parts);
  return concat(i32(body.length), body);
};
const ustring = (s: string): Uint8Array => concat(i32(s.length), ascii(s));
// protocolVersion 0, lastZxidSeen 0, timeOut 30000, sessionId 0, passwd 16 zero bytes, readOnly false.
const connect = framed(
  i32(0),
  hex('0000000000000000'),
  i32(30000),
  hex('0000000000000000'),
  i32(16),
  new Uint8Array(16),
  hex('00'),
);
// protocolVersion 0, timeOut 30000, sessionId, passwd (16 bytes), readOnly false.
const connected = framed(
  i32(0),
  i32(30000),
  hex('0100025d4b3a0000'),
  i32(16),
  hex('a1a2a3a4a5a6a7a8a9aaabacadaeafb0'),
  hex('00'),
);
// getData (4): xid 1, path, watch true.
const getData = framed(i32(1), i32(4), ustring('/config/app'), hex('01'));
// create (1): xid 2, path, data, acl (1 entry), flags.
const create = framed(i32(2), i32(1), ustring('/locks/lock-'), i32(2), ascii('hi'), i32(0), i32(3));
const ping = framed(i32(-2), i32(11));
// Reply: xid 2, zxid, err -110 (NODEEXISTS).
const exists = framed(i32(2), hex('0000000000000005'), i32(-110));

describe('zookeeper detect', () => {
  it('matches a ConnectRequest and a ConnectResponse', () => {
    expect(zookeeper.detect(connect, 'to-server')).toBe('match');
    expect(zookeeper.detect(connect.subarray(0, 48), 'to-server')).toBe('need-more');
    const legacy = framed(
      i32(0),
      hex('0000000000000000'),
      i32(30000),
      hex('0000000000000000'),
      i32(16),
      new Uint8Array(16),
    );
    expect(zookeeper.detect(legacy, 'to-server')).toBe('match');
    expect(zookeeper.detect(connected, 'to-client')).toBe('match');
  });

  it('matches four-letter words and their answers', () => {
    expect(zookeeper.detect(ascii('ruok'), 'to-server')).toBe('match');
    expect(zookeeper.detect(ascii('mntr\n'), 'to-server')).toBe('match');
    expect(zookeeper.detect(ascii('imok'), 'to-client')).toBe('match');
    expect(
      zookeeper.detect(
        ascii('Zookeeper version: 3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c'),
        'to-client',
      ),
    ).toBe('match');
    expect(zookeeper.detect(ascii('zk_version\t3.8.4\nzk_server_state\tstandalone\n'), 'to-client')).toBe(
      'match',
    );
  });

  it('needs more on a too-short prefix, and on a lone "stat" (memcached "stats" starts the same)', () => {
    expect(zookeeper.detect(connect.subarray(0, 6), 'to-server')).toBe('need-more');
    expect(zookeeper.detect(ascii('ru'), 'to-server')).toBe('need-more');
    expect(zookeeper.detect(ascii('stat'), 'to-server')).toBe('need-more');
    expect(zookeeper.detect(ascii('Zookeeper ver'), 'to-client')).toBe('need-more');
  });

  it('rejects a four-letter word inside a longer line and a bad password length', () => {
    expect(zookeeper.detect(ascii('stats\r\n'), 'to-server')).toBe('no-match');
    expect(zookeeper.detect(ascii('dump all\n'), 'to-server')).toBe('no-match');
    const bad = connect.slice();
    bad[31] = 15;
    expect(zookeeper.detect(bad, 'to-server')).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('zookeeper')) {
      expect([sample.protocol, zookeeper.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('zookeeper parser', () => {
  const session: Segment[] = [
    ['to-server', connect],
    ['to-client', connected],
    ['to-server', concat(getData, ping, create)],
    ['to-client', exists],
  ];
  const op = (direction: string, operation: string, detail?: string) => ({
    kind: 'operation',
    direction,
    protocol: 'zookeeper',
    operation,
    ...(detail ? { detail } : {}),
  });
  const expected = [
    op('to-server', 'connect', 'timeout=30000'),
    op('to-server', 'getData', '/config/app'),
    op('to-server', 'create', '/locks/lock-'),
    op('to-client', 'error', 'NODEEXISTS'),
  ];

  it('emits the handshake, requests with their path (pings skipped) and errors', () => {
    expect(feed(zookeeper, session)).toEqual(expected);
  });

  it('gives the same events for every split point and byte by byte', () => {
    expect(everySplitAgrees(zookeeper, session).mismatch).toBeUndefined();
    expect(feedByteByByte(zookeeper, session)).toEqual(expected);
  });

  it('reports a four-letter word as an operation', () => {
    expect(
      feed(zookeeper, [
        ['to-server', ascii('srvr\n')],
        ['to-client', ascii('Zookeeper version: 3.8.4\n')],
      ]),
    ).toEqual([op('to-server', 'srvr')]);
  });

  it('passes the local contract check', () => {
    expect(contractCheck(zookeeper, ['to-server', connect]).randomMatches).toBe(0);
  });
});

describe('zookeeper among every registered protocol (engine order, first match wins)', () => {
  it('labels a session zookeeper from either side', () => {
    expect(
      engineLabel([
        ['to-server', connect],
        ['to-client', connected],
      ]),
    ).toBe('zookeeper');
    expect(
      engineLabel([
        ['to-server', ascii('ruok')],
        ['to-client', ascii('imok')],
      ]),
    ).toBe('zookeeper');
  });
});
