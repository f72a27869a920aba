/**
 * WebLogic's T3 (t3-messages.ts: the handshake scanners and exploits send, JDK 17's own serialization streams):
 * detection both ways, the handshake, messages and the streams they carry, hostile input.
 */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { t3 } from '#sidecar/protocols/t3.ts';
import {
  ascii,
  concat,
  contractCheck,
  feed,
  feedByteByByte,
  hex,
} from '#test/fixtures/protocols/protocol-harness.ts';
import {
  dateStream,
  gadgetStream,
  t3Hello,
  t3Helo,
  t3Message,
  t3Refused,
} from '#test/fixtures/protocols/t3-messages.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]) =>
  (events as OperationEvent[]).map((e) => [e.direction, e.operation, e.detail]);

describe('t3 detection', () => {
  it("matches the client's version line and the server's HELO or LGIN, and waits on their prefixes", () => {
    expect(t3.detect(t3Hello, 'to-server')).toBe('match');
    expect(t3.detect(t3Hello.subarray(0, 6), 'to-server')).toBe('need-more');
    expect(t3.detect(ascii('t3 '), 'to-server')).toBe('need-more');
    expect(t3.detect(ascii('t3 x\n'), 'to-server')).toBe('no-match');
    expect(t3.detect(ascii('t3 12.2 1\n'), 'to-server')).toBe('no-match');
    expect(t3.detect(ascii(`t3 ${'1'.repeat(40)}\n`), 'to-server')).toBe('no-match');
    expect(t3.detect(t3Helo, 'to-client')).toBe('match');
    expect(t3.detect(t3Refused, 'to-client')).toBe('match');
    expect(t3.detect(ascii('HEL'), 'to-client')).toBe('need-more');
    expect(t3.detect(ascii('HELP me\n'), 'to-client')).toBe('no-match');
    // A client's line is not a server's.
    expect(t3.detect(t3Hello, 'to-client')).toBe('no-match');
    expect(t3.detect(ascii('GET / HTTP/1.1\r\n'), 'to-server')).toBe('no-match');
  });

  itRejectsForeignBytes(t3, ['t3']);
});

describe('t3 messages', () => {
  it('tells the handshake both ways and each message by its command, with the classes its streams name', () => {
    const events = feed(t3, [
      ['to-server', t3Hello],
      ['to-client', t3Helo],
      ['to-server', t3Message(dateStream, dateStream)],
    ]);
    expect(ops(events)).toEqual([
      ['to-server', 'handshake', 'version 12.2.1, provider URL t3://us-l-breens:7001'],
      ['to-client', 'helo', 'WebLogic 12.2.1.3.0'],
      ['to-server', 'identify-request', 'java.util.Date, java.util.Date'],
    ]);
    const serialized = (events[2] as OperationEvent).serialized;
    expect(serialized?.subarray(0, dateStream.length)).toEqual(dateStream);
    expect(serialized?.length).toBe(2 * dateStream.length + 4);
  });

  it('reads the same from one octet at a time, and a handshake and message in one chunk', () => {
    const segments = [
      ['to-server', concat(t3Hello, t3Message(gadgetStream))],
      ['to-client', t3Helo],
    ] as const;
    const whole = ops(feed(t3, segments));
    expect(whole).toEqual([
      ['to-server', 'handshake', 'version 12.2.1, provider URL t3://us-l-breens:7001'],
      ['to-server', 'identify-request', 'javax.management.BadAttributeValueExpException'],
      ['to-client', 'helo', 'WebLogic 12.2.1.3.0'],
    ]);
    expect(ops(feedByteByByte(t3, segments))).toEqual(whole);
  });

  it("tells a refusal, names a proxy's interface, and keeps a message's streams only from the client", () => {
    const proxy = hex('aced0005737d00000001001d6a6176612e726d692e61637469766174696f6e2e416374697661746f72');
    const events = feed(t3, [
      ['to-server', t3Hello],
      ['to-client', t3Refused],
      ['to-server', t3Message(proxy)],
    ]);
    expect(ops(events)).toEqual([
      ['to-server', 'handshake', 'version 12.2.1, provider URL t3://us-l-breens:7001'],
      [
        'to-client',
        'refused',
        'Connection rejected, filter blocked Socket, weblogic.security.net.FilterException: [Security:090220]rule 1',
      ],
      ['to-server', 'identify-request', 'proxy java.rmi.activation.Activator'],
    ]);
    const answer = feed(t3, [
      ['to-client', t3Helo],
      ['to-client', t3Message(dateStream)],
    ]) as OperationEvent[];
    expect(answer[1]?.serialized).toBeUndefined();
  });

  it('stops a side at a length that cannot be, a handshake that never ends, or one that is not text', () => {
    const zero = feed(t3, [['to-server', concat(t3Hello, hex('00000000 01'), t3Message(dateStream))]]);
    expect(ops(zero).map((o) => o[1])).toEqual(['handshake']);
    expect(feed(t3, [['to-server', ascii(`t3 12.2.1\n${'AS:255\n'.repeat(400)}`)]])).toEqual([]);
    expect(feed(t3, [['to-server', concat(ascii('t3 12.2.1\n'), hex('ff00'), ascii('\n\n'))]])).toEqual([]);
    expect(contractCheck(t3, ['to-server', t3Hello]).randomMatches).toBe(0);
    expect(contractCheck(t3, ['to-client', t3Helo]).randomMatches).toBe(0);
  });
});
