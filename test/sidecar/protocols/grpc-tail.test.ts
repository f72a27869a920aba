/**
 * The gRPC reader past a request body's bound (ADR 46): text fields of later messages and of a message longer than
 * the bound, nested ones too, under the paths the first 64 KiB are judged under; a long string's start and end, a
 * long bytes field passed by, compressed messages counted unread; the same whatever the chunking and wherever the
 * bound fell; bounded on 10 MiB; hostile octets never throw.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LaterValues } from '#sidecar/events.ts';
import { createGrpcTail } from '#sidecar/protocols/grpc-tail.ts';
import { laterValuesBudget } from '#sidecar/protocols/later-values.ts';
import { protobufDelimited, protobufText, protobufVarint } from '#test/fixtures/protocols/protobuf-encode.ts';

const frame = (message: ArrayLike<number>, compressed = false): number[] => {
  const length = [24, 16, 8, 0].map((shift) => (message.length >>> shift) & 0xff);
  return [compressed ? 1 : 0, ...length, ...Array.from(message)];
};

/** The body cut at `bound` octets kept, the rest fed in `chunk`-octet pieces. */
const read = (body: ArrayLike<number>, bound = 65_536, chunk = 1448): LaterValues => {
  const bytes = Uint8Array.from(body);
  const tail = createGrpcTail([bytes.subarray(0, bound)]);
  for (let at = bound; at < bytes.length; at += chunk)
    tail.feed(bytes.subarray(at, Math.min(at + chunk, bytes.length)));
  return tail.result();
};

const sqli = "1' OR '1'='1";
const xss = '<script>alert(1)</script>';

describe('grpc tail', () => {
  it('reads the fields after a long one, nested ones, and later messages, the same in any chunking', () => {
    const body = [
      ...frame([
        ...protobufText(1, 'A'.repeat(70_000)),
        ...protobufDelimited(3, [...protobufText(1, 'B'.repeat(30_000)), ...protobufText(2, xss)]),
        ...[0x20, ...protobufVarint(150)], // field 4, a varint
        ...[0x2d, 1, 2, 3, 4], // field 5, 32 bits
        ...protobufText(2, sqli),
      ]),
      ...frame(protobufText(1, 'second')),
      ...frame(protobufDelimited(2, protobufText(7, 'deep'))),
    ];
    const whole = read(body, 65_536, body.length);
    expect(whole).toEqual({
      kind: 'grpc',
      values: [
        ['$.1', 'A'.repeat(64)],
        ['$.3.1', 'B'.repeat(64)],
        ['$.3.2', xss],
        ['$.2', sqli],
        ['$[1].1', 'second'],
        ['$[2].2.7', 'deep'],
      ],
      unread: 0,
    });
    for (const chunk of [1, 2, 3, 7, 1000]) expect(read(body, 65_536, chunk), String(chunk)).toEqual(whole);
    // Wherever the bound fell: in a header, a tag, a length, a short field.
    const second = body.indexOf(0, 70_000 + 30_000);
    for (const bound of [65_536, second, second + 2, body.length - 20, body.length - 9])
      expect(read(body, bound, 5).values.at(-1), String(bound)).toEqual(['$[2].2.7', 'deep']);
  });

  it("a long string's start and end are kept: an attack at the end of 100 KB of text, and its middle counted", () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i}`).join(' ');
    const later = read(frame(protobufText(1, `${words} ${sqli}`)));
    expect(later.values).toHaveLength(1);
    expect(later.values[0]?.[1].endsWith(sqli)).toBe(true);
    expect(later.unread).toBe(1);
  });

  it('passes a long bytes field by, reads on after it, and counts a compressed message past the bound unread', () => {
    const binary = [...protobufDelimited(1, randomBytes(80_000)), ...protobufText(2, sqli)];
    expect(read(frame(binary)).values).toEqual([['$.2', sqli]]);
    const compressed = [...frame(protobufText(1, 'x'.repeat(70_000))), ...frame(randomBytes(500), true)];
    expect(read(compressed)).toMatchObject({ values: [['$.1', 'x'.repeat(64)]], unread: 1 });
  });

  it('holds what a long field that reads as text finds inside it, and drops it when the field ends as text', () => {
    // 20 KB of printable octets that also parse as fields ('"' is field 4, delimited; ' ' a length of 32).
    const printable = `"${' '}${'0123456789abcdef'.repeat(2)}`.repeat(600);
    expect(read(frame(protobufText(1, printable)), 10).values).toEqual([['$.1', expect.any(String)]]);
  });

  it('a long field nested deeper than 8 levels is passed by and counted unread', () => {
    let nested = protobufText(1, `${'C'.repeat(20_000)}${sqli}`);
    for (let level = 0; level < 8; level++) nested = protobufDelimited(2, nested);
    expect(read(frame(nested), 10)).toMatchObject({ values: [], unread: 1 });
    let shallow = protobufText(1, `${'C'.repeat(20_000)}${sqli}`);
    for (let level = 0; level < 6; level++) shallow = protobufDelimited(2, shallow);
    expect(read(frame(shallow), 10).values).toEqual([['$.2.2.2.2.2.2.1', `${'C'.repeat(64)}${sqli}`]]);
  });

  it('10 MiB of messages in 1-KiB chunks: what is kept stays within the bound', () => {
    const tail = createGrpcTail([new Uint8Array(0)]);
    for (let i = 0; i < 10 * 1024; i++)
      tail.feed(
        Uint8Array.from(
          frame([...protobufText(1, `order ${i}`), ...protobufText(2, `it's ${i}`.padEnd(990))]),
        ),
      );
    const later = tail.result();
    const size = later.values.reduce((n, [name, value]) => n + name.length + value.length + 16, 0);
    expect(size).toBeLessThanOrEqual(laterValuesBudget);
    expect(later.unread).toBeGreaterThan(0);
  });

  it('never throws on hostile octets, in any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 50 }), (octets, chunk) => {
        const tail = createGrpcTail([Uint8Array.from([0, 0, 0, 1, 0, 0x0a, 0xc0, 0x3e])]);
        for (let at = 0; at < octets.length; at += chunk) tail.feed(octets.subarray(at, at + chunk));
        expect(tail.result().kind).toBe('grpc');
      }),
      { numRuns: 500 },
    );
  });
});
