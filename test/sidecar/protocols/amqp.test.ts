import { describe, expect, it } from 'vitest';
import { amqp } from '#sidecar/protocols/amqp.ts';
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

// Built from the AMQP 0-9-1 specification: §4.2.2 protocol header, §4.2.3 frames
// (octet type, short channel, long size, payload, octet 0xCE), §4.2.5 method payload (short class, short method, args).
const header = ascii('AMQP\0\0\x09\x01');
const shortstr = (s: string): Uint8Array => concat(Uint8Array.of(s.length), ascii(s));
const frame = (type: number, channel: number, payload: Uint8Array): Uint8Array => {
  const head = new Uint8Array(7);
  const view = new DataView(head.buffer);
  view.setUint8(0, type);
  view.setUint16(1, channel);
  view.setUint32(3, payload.length);
  return concat(head, payload, Uint8Array.of(0xce));
};
const method = (channel: number, classId: number, methodId: number, args: Uint8Array): Uint8Array => {
  const ids = new Uint8Array(4);
  new DataView(ids.buffer).setUint16(0, classId);
  new DataView(ids.buffer).setUint16(2, methodId);
  return frame(1, channel, concat(ids, args));
};
// connection.start: version-major 0, version-minor 9, server-properties (empty table), mechanisms, locales.
const start = method(
  0,
  10,
  10,
  concat(hex('00 09 00000000'), hex('0000000e'), ascii('PLAIN AMQPLAIN'), hex('00000005'), ascii('en_US')),
);
// queue.declare: reserved-1, queue "orders", flags, arguments (empty table).
const declare = method(1, 50, 10, concat(hex('0000'), shortstr('orders'), hex('02 00000000')));
// basic.publish: reserved-1, exchange "", routing-key "orders", flags; then a content header and a body frame.
const publish = method(1, 60, 40, concat(hex('0000'), shortstr(''), shortstr('orders'), hex('00')));
const contentHeader = frame(2, 1, hex('003c 0000 0000000000000005 0000'));
const body = frame(3, 1, ascii('hello'));
// connection.close: reply-code 403, reply-text, class-id, method-id.
const close = method(
  0,
  10,
  50,
  concat(hex('0193'), shortstr('ACCESS_REFUSED - access to vhost / refused'), hex('0000 0000')),
);
const heartbeat = hex('08 0000 00000000 ce');

describe('amqp detect', () => {
  it('matches the protocol header (minimal) and connection.start (realistic first server bytes)', () => {
    expect(amqp.detect(header, 'to-server')).toBe('match');
    expect(amqp.detect(start, 'to-client')).toBe('match');
    expect(amqp.detect(ascii('AMQP\x03\x01\x00\x00'), 'to-server')).toBe('match');
  });

  it('matches mid-stream frames: a method, a heartbeat, a body followed by a method', () => {
    expect(amqp.detect(concat(publish, contentHeader, body), 'to-server')).toBe('match');
    expect(amqp.detect(heartbeat, 'to-client')).toBe('match');
    expect(amqp.detect(concat(body, publish), 'to-server')).toBe('match');
  });

  it('needs more on a too-short prefix, and rejects a bad frame end or unknown method', () => {
    expect(amqp.detect(ascii('AMQ'), 'to-server')).toBe('need-more');
    expect(amqp.detect(publish.subarray(0, 10), 'to-server')).toBe('need-more');
    expect(amqp.detect(body, 'to-server')).toBe('need-more');
    const badEnd = publish.slice();
    badEnd[badEnd.length - 1] = 0;
    expect(amqp.detect(badEnd, 'to-server')).toBe('no-match');
    expect(amqp.detect(method(1, 60, 41, hex('00')), 'to-server')).toBe('no-match');
  });

  it('says no-match on every other protocol sample', () => {
    for (const sample of samplesExcept('amqp')) {
      expect([sample.protocol, amqp.detect(sample.bytes, sample.direction)]).not.toEqual([
        sample.protocol,
        'match',
      ]);
    }
  });
});

describe('amqp parser', () => {
  const session: Segment[] = [
    ['to-server', header],
    ['to-client', start],
    ['to-server', concat(declare, publish, contentHeader, body, heartbeat)],
    ['to-client', close],
  ];
  const expected = [
    { kind: 'operation', direction: 'to-client', protocol: 'amqp', operation: 'connection.start' },
    {
      kind: 'operation',
      direction: 'to-server',
      protocol: 'amqp',
      operation: 'queue.declare',
      detail: 'queue=orders',
    },
    {
      kind: 'operation',
      direction: 'to-server',
      protocol: 'amqp',
      operation: 'basic.publish',
      detail: 'exchange= routing_key=orders',
    },
    {
      kind: 'operation',
      direction: 'to-client',
      protocol: 'amqp',
      operation: 'connection.close',
      detail: 'reply_code=403 reply_text=ACCESS_REFUSED - access to vhost / refused',
    },
  ];

  it('emits method names with their exchange, queue and routing key', () => {
    expect(feed(amqp, session)).toEqual(expected);
  });

  it('gives the same events for every split point and byte by byte', () => {
    expect(everySplitAgrees(amqp, session).mismatch).toBeUndefined();
    expect(feedByteByByte(amqp, session)).toEqual(expected);
  });

  it('stops a direction at a wrong frame end', () => {
    const bad = declare.slice();
    bad[bad.length - 1] = 0;
    expect(feed(amqp, [['to-server', concat(bad, publish)]])).toEqual([]);
  });

  it('passes the local contract check', () => {
    expect(contractCheck(amqp, ['to-server', concat(header, declare)]).randomMatches).toBe(0);
  });
});

describe('amqp on nDPI amqp.pcap (real bytes, picked up mid-stream)', () => {
  it('detects all 3 flows and reads celery publishes and deliveries', () => {
    const flows = ndpiFlows('amqp');
    expect(flows.map((f) => detectFlow(amqp, f.segments))).toEqual([true, true, true]);
    const events = flows.flatMap((f) => feed(amqp, f.segments)) as { operation: string; detail?: string }[];
    const kinds = new Set(events.map((e) => `${e.operation} ${e.detail ?? ''}`.trim()));
    expect(kinds).toContain('basic.publish exchange=celeryev routing_key=worker.heartbeat');
    expect(kinds).toContain('basic.deliver exchange=default routing_key=tasks.#');
    expect(kinds).toContain('basic.ack');
  });
});

describe('amqp among every registered protocol (engine order, first match wins)', () => {
  it('labels every nDPI flow amqp', () => {
    const flows = ndpiFlows('amqp');
    expect(flows.map((f) => engineLabel(f.segments))).toEqual(flows.map(() => 'amqp'));
  });
});
