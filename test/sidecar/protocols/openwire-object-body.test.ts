/** An object message's serialized body, plain or compressed, and which frames the parser hands it on. */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { OperationEvent } from '#sidecar/events.ts';
import { openwire } from '#sidecar/protocols/openwire.ts';
import { objectBody } from '#sidecar/protocols/openwire-object-body.ts';
import { openwireExchange } from '#test/fixtures/protocols/openwire-frames.ts';
import {
  compressedObjectMessage,
  consumerExchange,
} from '#test/fixtures/protocols/openwire-object-frames.ts';
import { concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { gadgetStream } from '#test/fixtures/protocols/t3-messages.ts';

const fields = hex('1a 00000007 01 00 0000');
const parsed = (segments: readonly (readonly ['to-server' | 'to-client', Uint8Array])[]) => {
  const parser = openwire.createParser();
  return segments.flatMap(([direction, bytes]) => parser.parse(bytes, direction, 1) as OperationEvent[]);
};

describe('openwire object message bodies', () => {
  it('finds the stream plain, or inflated from the zlib stream a compressing producer wrote', () => {
    const bytes = (b: Uint8Array | undefined) => (b === undefined ? undefined : [...b]);
    expect(bytes(objectBody(concat(fields, gadgetStream)))).toEqual([...gadgetStream]);
    expect(bytes(objectBody(concat(fields, deflateSync(gadgetStream))))).toEqual([...gadgetStream]);
    // ActiveMQ's own compressed frame: the body inflates to a stream of BadAttributeValueExpException.
    const body = objectBody(compressedObjectMessage.subarray(4));
    expect(Buffer.from(body ?? []).toString('latin1')).toContain(
      'javax.management.BadAttributeValueExpException',
    );
  });

  it('inflates a bomb to 64 KiB at most, and leaves corrupt or foreign zlib streams alone', () => {
    const bomb = concat(gadgetStream, new Uint8Array(4 * 1024 * 1024));
    const body = objectBody(concat(fields, deflateSync(bomb)));
    expect(body?.length).toBeGreaterThan(0);
    expect(body?.length).toBeLessThanOrEqual(64 * 1024);
    expect([...(body?.subarray(0, 4) ?? [])]).toEqual([...gadgetStream.subarray(0, 4)]);
    expect(objectBody(concat(fields, hex('78 9c ff ff ff ff')))).toBeUndefined();
    expect(objectBody(concat(fields, deflateSync(Buffer.from('not a java stream'))))).toBeUndefined();
  });

  it('hands the body on for a dispatch of an object message only, not of a text message', () => {
    const dispatches = (events: OperationEvent[]) =>
      events.filter((e) => e.operation === 'dispatch').map((e) => e.serialized?.length);
    expect(dispatches(parsed(openwireExchange))).toEqual([undefined]);
    expect(dispatches(parsed(consumerExchange))).toEqual([1194, 1168]);
  });
});
