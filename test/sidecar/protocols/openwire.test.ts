/** ActiveMQ's OpenWire from Debian's ActiveMQ 5.17.2 bytes (openwire-frames.ts): detection, commands, hostile input. */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { openwire } from '#sidecar/protocols/openwire.ts';
import {
  clientOpening,
  exceptionResponse,
  messageAck,
  openwireExchange,
  serverOpening,
} from '#test/fixtures/protocols/openwire-frames.ts';
import { concat, contractCheck, feed, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]) =>
  (events as OperationEvent[])
    .filter((e) => e.operation !== 'response' && e.operation !== 'wireformat-info')
    .map((e) => [e.direction, e.operation, e.detail]);
const spring = 'org.springframework.context.support.ClassPathXmlApplicationContext';
const exploit = exceptionResponse(spring, 'http://127.0.0.1:9/poc.xml');
const u32 = (n: number): Uint8Array => hex(n.toString(16).padStart(8, '0'));

describe('openwire detection', () => {
  it("matches either side's WIREFORMAT_INFO, and waits on its prefixes", () => {
    expect(openwire.detect(clientOpening, 'to-server')).toBe('match');
    expect(openwire.detect(serverOpening, 'to-client')).toBe('match');
    expect(openwire.detect(serverOpening, 'to-server')).toBe('match');
    for (const n of [0, 1, 4, 9, 16])
      expect(openwire.detect(clientOpening.subarray(0, n), 'to-server')).toBe('need-more');
    // A wrong magic, an absurd version, a size past 64 KiB or too small for the magic and version: no.
    expect(openwire.detect(hex('00000164 01 4163746976654d52 0000000c'), 'to-server')).toBe('no-match');
    expect(openwire.detect(hex('00000164 01 4163746976654d51 0000ffff'), 'to-server')).toBe('no-match');
    expect(openwire.detect(concat(hex('00010164'), clientOpening.subarray(4)), 'to-server')).toBe('no-match');
    expect(openwire.detect(concat(hex('00000008'), clientOpening.subarray(4)), 'to-server')).toBe('no-match');
  });

  it("matches a client's first frame that is the CVE-2023-46604 exploit's EXCEPTION_RESPONSE, only from a client", () => {
    expect(openwire.detect(exploit, 'to-server')).toBe('match');
    expect(openwire.detect(exploit.subarray(0, 30), 'to-server')).toBe('need-more');
    expect(openwire.detect(exploit, 'to-client')).toBe('no-match');
    // Not a class name, or a size too small to hold it: no.
    expect(openwire.detect(exceptionResponse('not a class', 'x'), 'to-server')).toBe('no-match');
    expect(openwire.detect(concat(u32(20), exploit.subarray(4)), 'to-server')).toBe('no-match');
  });

  itRejectsForeignBytes(openwire, ['openwire']);
});

describe('openwire commands', () => {
  it('reads the captured exchange: the broker, who connects, destinations produced to, sent, consumed, acked', () => {
    const events = feed(openwire, openwireExchange) as OperationEvent[];
    expect(
      events.filter((e) => e.operation === 'wireformat-info').map((e) => e.detail?.slice(0, 80)),
    ).toEqual(
      [
        'version=12 StackTraceEnabled=true PlatformDetails=Java CacheEnabled=true Host=127.0.0.1 TcpNoDelayEnable',
        'version=12 StackTraceEnabled=true PlatformDetails=Java CacheEnabled=true TcpNoDelayEnabled=true SizePref',
      ].map((s) => s.slice(0, 80)),
    );
    expect(ops(events)).toEqual([
      ['to-client', 'broker-info', 'tcp://localhost:6379'],
      ['to-server', 'connect', 'client-id=shop-1 user=alice'],
      ['to-client', 'connection-control', undefined],
      ['to-server', 'consume', 'topic://ActiveMQ.Advisory.TempQueue,ActiveMQ.Advisory.TempTopic'],
      ['to-server', 'session', undefined],
      ['to-server', 'produce', 'queue://orders'],
      // The message names its destination by the cache index ProducerInfo gave it.
      ['to-server', 'send', 'queue://orders'],
      ['to-server', 'consume', 'queue://orders'],
      ['to-client', 'dispatch', 'queue://orders'],
      ['to-server', 'ack', 'queue://orders'],
      ['to-server', 'remove', undefined],
      ['to-server', 'remove', undefined],
      ['to-server', 'shutdown', undefined],
    ]);
    expect(JSON.stringify(events)).not.toContain('s3cret');
  });

  it('reads the Throwable an EXCEPTION_RESPONSE carries, loose or tight, and a CONNECTION_ERROR', () => {
    const thrown = (segments: Parameters<typeof feed>[1]) =>
      (feed(openwire, segments) as OperationEvent[])
        .filter((e) => e.thrown)
        .map((e) => [e.operation, e.thrown]);
    const expected = { className: spring, message: 'http://127.0.0.1:9/poc.xml' };
    expect(thrown([['to-server', exploit]])).toEqual([['exception-response', expected]]);
    expect(thrown(openwireExchange.slice(0, 2).concat([['to-server', exploit]]))).toEqual([
      ['exception-response', expected],
    ]);
    // Tight (after both openings): the bit stream says present, not null, ASCII for each string.
    const name = new TextEncoder().encode(spring);
    const tight = concat(
      hex('1f 01 3f 00000007 00000001'),
      u32(name.length).subarray(2),
      name,
      hex('0003'),
      new TextEncoder().encode('url'),
    );
    const framed = concat(u32(tight.length), tight);
    expect(thrown([...openwireExchange.slice(0, 2), ['to-server', framed]])).toEqual([
      ['exception-response', { className: spring, message: 'url' }],
    ]);
    const error = concat(hex('10 00000000 00 01'), exploit.subarray(15));
    expect(thrown([['to-server', concat(u32(error.length), error)]])).toEqual([
      ['connection-error', expected],
    ]);
  });

  it('skips a frame past 64 KiB by its size, and survives random, truncated and split input', () => {
    const big = concat(u32(200_000), hex('1c'), new Uint8Array(199_999));
    const events = feed(openwire, [
      ['to-server', clientOpening],
      ['to-server', big],
      ['to-server', hex('000000070b01000000000a')],
    ]) as OperationEvent[];
    expect(events.map((e) => e.operation)).toEqual(['wireformat-info', 'send', 'shutdown']);
    const split = openwireExchange.flatMap(
      ([d, b]) =>
        [
          [d, b.subarray(0, 3)],
          [d, b.subarray(3)],
        ] as const,
    );
    expect(ops(feed(openwire, split))).toEqual(ops(feed(openwire, openwireExchange)));
    for (let n = 0; n < exploit.length; n++) feed(openwire, [['to-server', exploit.subarray(0, n)]]);
    expect(contractCheck(openwire, ['to-server', clientOpening]).randomMatches).toBe(0);
  });
});

describe('openwire acknowledgements', () => {
  it("reads the captured tight MessageAck to its end (no poison cause), and a loose one's poison cause", () => {
    const acks = (feed(openwire, openwireExchange) as OperationEvent[]).filter((e) => e.operation === 'ack');
    expect(acks.map((e) => [e.detail, e.thrown])).toEqual([['queue://orders', undefined]]);
    const [told] = feed(openwire, [
      ['to-server', messageAck('java.io.FileOutputStream', '/tmp/x')],
    ]) as OperationEvent[];
    expect([told?.operation, told?.detail, told?.thrown]).toEqual([
      'ack',
      'queue://orders',
      { className: 'java.io.FileOutputStream', message: '/tmp/x' },
    ]);
  });
});
