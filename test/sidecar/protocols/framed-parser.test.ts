import { describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '#sidecar/events.ts';
import { createFramedParser, maxBuffered } from '#sidecar/protocols/framed-parser.ts';

// A toy framing for the tests: a 4-byte big-endian length (of the whole message), then the payload.
const frame = (b: Uint8Array): number =>
  b.length < 4 ? 0 : new DataView(b.buffer, b.byteOffset).getUint32(0) || -1;
const message = (payload: number[] | Uint8Array): Uint8Array => {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, out.length);
  out.set(payload, 4);
  return out;
};
const recorder = (scansRest = false) => {
  const seen: { length: number; first: number; truncated: boolean; rest?: readonly string[]; ts?: number }[] =
    [];
  const parser = createFramedParser({
    frame,
    scansRest,
    message: (m, ctx) => {
      seen.push({
        length: m.length,
        first: m[4] ?? -1,
        truncated: ctx.truncated,
        ...(ctx.restClasses === undefined ? {} : { rest: ctx.restClasses, ts: ctx.ts }),
      });
      return [
        {
          kind: 'operation',
          ts: ctx.ts,
          direction: ctx.direction,
          protocol: 'unknown',
          operation: String(m[4]),
        },
      ];
    },
  });
  return { parser, seen };
};

/** A class descriptor as a Java stream carries it (TC_CLASSDESC, the name's length, the name). */
const descriptor = (name: string): Uint8Array =>
  Uint8Array.from([0x72, 0, name.length, ...Buffer.from(name, 'latin1')]);

/** A 1 MiB message of 7s with class descriptors at `at` octets, the first straddling the 64 KiB cut. */
const bigWithClasses = (): Uint8Array => {
  const payload = new Uint8Array(1024 * 1024).fill(7);
  payload.set(descriptor('org.example.Straddling'), maxBuffered - 4 - 10);
  payload.set(descriptor('org.example.Deep'), 900_000);
  return message(payload);
};

describe('framed-parser', () => {
  it('hands over a 1 MiB message truncated to 64 KiB, skips its rest, and reads the next one (chunk memory reused)', () => {
    const { parser, seen } = recorder();
    const big = message(new Uint8Array(1024 * 1024).fill(7));
    const stream = Buffer.concat([big, message([9, 9])]);
    const reused = new Uint8Array(1000);
    for (let at = 0; at < stream.length; at += reused.length) {
      const n = Math.min(reused.length, stream.length - at);
      reused.set(stream.subarray(at, at + n));
      parser.parse(reused.subarray(0, n), 'to-server', 0);
      reused.fill(0xee); // the caller overwrites its buffer after each call
    }
    expect(seen).toEqual([
      { length: maxBuffered, first: 7, truncated: true },
      { length: 6, first: 9, truncated: false },
    ]);
  });

  it('holds a truncated message of a spec that scans the rest, and tells it at its end with the classes past 64 KiB', () => {
    const { parser, seen } = recorder(true);
    const stream = Buffer.concat([bigWithClasses(), message([9, 9])]);
    const reused = new Uint8Array(1460);
    for (let at = 0; at < stream.length; at += reused.length) {
      const n = Math.min(reused.length, stream.length - at);
      reused.set(stream.subarray(at, at + n));
      parser.parse(reused.subarray(0, n), 'to-server', at);
      if (at < 1024 * 1024 - reused.length) expect(seen).toEqual([]);
      reused.fill(0xee);
    }
    expect(seen).toEqual([
      {
        length: maxBuffered,
        first: 7,
        truncated: true,
        rest: ['org.example.Straddling', 'org.example.Deep'],
        ts: 1024 * 1024 + 4 - ((1024 * 1024 + 4) % 1460),
      },
      { length: 6, first: 9, truncated: false },
    ]);
    expect(parser.end?.()).toEqual([]);
  });

  it('tells a held message at the flow end, or when a loss stops the direction, once; a loss inside it keeps it', () => {
    const big = bigWithClasses();
    const ended = recorder(true);
    ended.parser.parse(big.subarray(0, 950_000), 'to-client', 5);
    expect(ended.seen).toEqual([]);
    expect(ended.parser.end?.()).toHaveLength(1);
    expect(ended.parser.end?.()).toEqual([]);
    expect(ended.seen.map((s) => [s.rest, s.ts])).toEqual([
      [['org.example.Straddling', 'org.example.Deep'], 5],
    ]);

    const lost = recorder(true);
    lost.parser.parse(big.subarray(0, 100_000), 'to-server', 1);
    expect(lost.parser.gap('to-server', 1000)).toEqual([]);
    expect(lost.seen).toEqual([]);
    expect(lost.parser.gap('to-server')).toHaveLength(1);
    expect(lost.seen.map((s) => s.rest)).toEqual([['org.example.Straddling']]);
    expect(lost.parser.end?.()).toEqual([]);
  });

  it('keeps its own copy of a partial message when the caller reuses a Node Buffer', () => {
    const { parser, seen } = recorder();
    const reused = Buffer.alloc(5);
    const whole = message([1, 2, 3, 4, 5, 6]);
    reused.set(whole.subarray(0, 5));
    parser.parse(reused, 'to-server', 0);
    reused.fill(0xee);
    reused.set(whole.subarray(5, 10));
    parser.parse(reused, 'to-server', 0);
    expect(seen).toEqual([{ length: 10, first: 1, truncated: false }]);
  });

  it('returns every message of one call as an event, however many (ADR 29), and goes on with the next', () => {
    const { parser, seen } = recorder();
    const many = Buffer.concat(Array.from({ length: 100 }, (_, i) => message([i])));
    expect(parser.parse(many, 'to-client', 0)).toHaveLength(100);
    expect(seen).toHaveLength(100);
    expect(parser.parse(message([1]), 'to-client', 0)).toHaveLength(1);
  });

  it('stops a direction on a malformed frame, after a gap, and when a handler throws; the other direction goes on', () => {
    const { parser } = recorder();
    expect(parser.parse(Uint8Array.of(0, 0, 0, 0), 'to-server', 0)).toEqual([]);
    expect(parser.parse(message([1]), 'to-server', 0)).toEqual([]);
    parser.gap('to-client');
    expect(parser.parse(message([1]), 'to-client', 0)).toEqual([]);
    const throwing = createFramedParser({
      frame,
      message: (): ProtocolEvent[] => {
        throw new RangeError('decoder bug');
      },
    });
    expect(() => throwing.parse(message([1]), 'to-server', 0)).not.toThrow();
    expect(throwing.parse(message([1]), 'to-server', 0)).toEqual([]);
  });

  it('skips a loss of known length inside a message and reads the next one; the cut message is not told', () => {
    const { parser, seen } = recorder();
    const long = message(new Uint8Array(5000).fill(3));
    // 1000 octets of the long message arrive, 1500 are lost, then its last 2504 and the next message.
    parser.parse(long.subarray(0, 1000), 'to-client', 0);
    parser.gap('to-client', 1500);
    parser.parse(Buffer.concat([long.subarray(2500), message([4])]), 'to-client', 0);
    expect(seen).toEqual([{ length: 5, first: 4, truncated: false }]);
    // In the untold rest of a message past 64 KiB, as well.
    const huge = message(new Uint8Array(100_000).fill(5));
    parser.parse(huge.subarray(0, 70_000), 'to-client', 0);
    parser.gap('to-client', 10_000);
    parser.parse(Buffer.concat([huge.subarray(80_000), message([6])]), 'to-client', 0);
    expect(seen.slice(1)).toEqual([
      { length: maxBuffered, first: 5, truncated: true },
      { length: 5, first: 6, truncated: false },
    ]);
  });

  it('stops on a loss past the message, at a boundary, before the length is read, or of unknown length', () => {
    const cases: [Uint8Array, number | undefined][] = [
      [message([1, 2, 3, 4, 5, 6]).subarray(0, 6), 5], // 4 octets were left, 5 lost
      [new Uint8Array(0), 3], // at a boundary: where the next message starts is not known
      [Uint8Array.of(0, 0), 2], // the length itself was cut
      [message([1, 2, 3, 4, 5, 6]).subarray(0, 6), undefined],
    ];
    for (const [head, lost] of cases) {
      const { parser } = recorder();
      parser.parse(head, 'to-server', 0);
      parser.gap('to-server', lost);
      expect(parser.parse(message([9]), 'to-server', 0)).toEqual([]);
    }
  });

  it('stops when no frame fits in the buffer bound', () => {
    const control = createFramedParser({
      frame: (b) => (b.length > 100 ? 5 : 0),
      message: (_m, ctx) => [
        { kind: 'operation', ts: 0, direction: ctx.direction, protocol: 'unknown', operation: 'x' },
      ],
    });
    expect(control.parse(new Uint8Array(101), 'to-server', 0)).toHaveLength(1);
    // Would frame a message once more than maxBuffered bytes are there: too late, the direction has stopped.
    const parser = createFramedParser({
      frame: (b) => (b.length > maxBuffered ? 5 : 0),
      message: (_m, ctx) => [
        { kind: 'operation', ts: 0, direction: ctx.direction, protocol: 'unknown', operation: 'x' },
      ],
    });
    expect(parser.parse(new Uint8Array(maxBuffered), 'to-server', 0)).toEqual([]);
    expect(parser.parse(new Uint8Array(10), 'to-server', 0)).toEqual([]);
  });
});
