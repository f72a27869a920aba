/** Java RMI's JRMP from JDK 17's own bytes (java-rmi-messages.ts): detection both ways, calls, answers, hostile input. */
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { javaRmi } from '#sidecar/protocols/java-rmi.ts';
import { readRmiCall } from '#sidecar/protocols/java-rmi-call.ts';
import {
  rmiAck,
  rmiDirty,
  rmiEndpoint,
  rmiException,
  rmiLookup,
  rmiOpening,
  rmiReturn,
} from '#test/fixtures/protocols/java-rmi-messages.ts';
import { concat, contractCheck, feed, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { itRejectsForeignBytes } from './ndpi-flow-checks.ts';

const ops = (events: unknown[]) =>
  (events as OperationEvent[]).map((e) => [e.direction, e.operation, e.detail]);

describe('rmi detection', () => {
  it("matches the client's opening and the server's acknowledgement, and waits on their prefixes", () => {
    expect(javaRmi.detect(rmiOpening, 'to-server')).toBe('match');
    expect(javaRmi.detect(rmiOpening.subarray(0, 5), 'to-server')).toBe('need-more');
    expect(javaRmi.detect(hex('4a524d4900024a'), 'to-server')).toBe('no-match');
    expect(javaRmi.detect(hex('4a524d4900014b'), 'to-server')).toBe('no-match');
    expect(javaRmi.detect(rmiAck, 'to-client')).toBe('match');
    expect(javaRmi.detect(rmiAck.subarray(0, 9), 'to-client')).toBe('need-more');
    // Not an address, or more than the acknowledgement: no.
    expect(javaRmi.detect(hex('4e0003 41 20 42 00000001'), 'to-client')).toBe('no-match');
    expect(javaRmi.detect(concat(rmiAck, hex('00')), 'to-client')).toBe('no-match');
    expect(javaRmi.detect(new TextEncoder().encode('NOTICE AUTH :hi\r\n'), 'to-client')).toBe('no-match');
  });

  itRejectsForeignBytes(javaRmi, ['rmi']);
});

describe('rmi calls', () => {
  it('reads the registry call header: target, operation, name', () => {
    expect(readRmiCall(rmiLookup.subarray(1))).toEqual({
      target: 'registry',
      operation: 'lookup',
      name: 'greeter',
    });
    expect(readRmiCall(rmiDirty.subarray(1))).toEqual({ target: 'dgc', operation: 'dirty' });
    expect(readRmiCall(hex('aced0005'))).toBeUndefined();
  });

  it('tells a call when its answer comes, with the answer, as the JDK wrote them', () => {
    const events = feed(javaRmi, [
      ['to-server', rmiOpening],
      ['to-client', rmiAck],
      ['to-server', rmiEndpoint],
      ['to-server', rmiLookup],
      ['to-client', rmiReturn],
      ['to-server', hex('52')],
      ['to-server', rmiDirty],
      ['to-client', rmiException],
    ]);
    expect(ops(events)).toEqual([
      ['to-server', 'registry.lookup', 'greeter'],
      ['to-client', 'return', undefined],
      ['to-server', 'ping', undefined],
      ['to-server', 'dgc.dirty', undefined],
      ['to-client', 'exception', 'java.rmi.ServerException'],
    ]);
    expect((events[0] as OperationEvent).serialized).toEqual(rmiLookup.subarray(1));
  });

  it('reads a call split across chunks, and one after a DgcAck or the endpoint in the same chunk', () => {
    const events = feed(javaRmi, [
      ['to-server', concat(rmiOpening, rmiEndpoint, rmiLookup.subarray(0, 20))],
      ['to-server', rmiLookup.subarray(20)],
      ['to-client', rmiAck],
      ['to-client', rmiReturn],
      ['to-server', concat(hex('54'), new Uint8Array(14), rmiDirty)],
    ]);
    expect(ops(events)).toEqual([
      ['to-server', 'registry.lookup', 'greeter'],
      ['to-client', 'return', undefined],
      ['to-server', 'dgc-ack', undefined],
    ]);
    // The dirty call is told at the flow's end, when no answer came.
    const parser = javaRmi.createParser();
    parser.parse(concat(rmiOpening, rmiEndpoint), 'to-server', 1);
    parser.parse(rmiDirty, 'to-server', 2);
    expect(ops(parser.end?.() ?? [])).toEqual([['to-server', 'dgc.dirty', undefined]]);
  });

  it('keeps at most 64 KiB of a call, and survives random and truncated input', () => {
    const parser = javaRmi.createParser();
    parser.parse(concat(rmiOpening, rmiEndpoint), 'to-server', 1);
    parser.parse(rmiLookup, 'to-server', 2);
    for (let i = 0; i < 100; i++) parser.parse(new Uint8Array(4096), 'to-server', 3);
    const [call] = parser.end?.() ?? [];
    expect((call as OperationEvent).serialized?.length).toBe(64 * 1024);
    expect(contractCheck(javaRmi, ['to-server', rmiOpening]).randomMatches).toBe(0);
  });
});
