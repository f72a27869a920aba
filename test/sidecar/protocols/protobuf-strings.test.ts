import { describe, expect, it } from 'vitest';
import { protobufStrings } from '#sidecar/protocols/protobuf-strings.ts';
import { protobufDelimited, protobufText } from '#test/fixtures/protocols/protobuf-encode.ts';

// Messages built by hand from the protobuf encoding guide (protobuf-encode.ts).
const delimited = protobufDelimited;
const text = protobufText;
const message = (...fields: number[][]) => Uint8Array.from(fields.flat());

describe('protobufStrings', () => {
  it('lists text fields by field-number path, through nested and repeated messages', () => {
    const item = (sku: string) => delimited(4, message(text(1, sku), [0x10, 3]));
    const order = message(
      text(1, 'alice'),
      [0x10, 0x96, 0x01],
      item('A-1'),
      item("B' OR 1=1--"),
      text(5, 'note'),
    );
    expect(protobufStrings(order)).toEqual([
      ['$.1', 'alice'],
      ['$.4.1', 'A-1'],
      ['$.4.1', "B' OR 1=1--"],
      ['$.5', 'note'],
    ]);
  });

  it('skips the other wire types and bytes fields that are neither text nor a message', () => {
    const fixed64 = [0x19, 1, 2, 3, 4, 5, 6, 7, 8];
    const fixed32 = [0x25, 0, 0, 0x80, 0x3f];
    const binary = delimited(6, [0xff, 0xfe, 0x00, 0x01]);
    expect(protobufStrings(message(fixed64, fixed32, binary, text(7, 'kept')))).toEqual([['$.7', 'kept']]);
  });

  it('reads groups (wire types 3 and 4) inline, under their field number, and refuses unbalanced ones', () => {
    // Field 3 as a group: tag (3 << 3) | 3 = 0x1b opens it, (3 << 3) | 4 = 0x1c closes it.
    const grouped = message(text(1, 'a'), [0x1b], text(2, "1' OR '1'='1"), [0x1c], text(4, 'b'));
    expect(protobufStrings(grouped)).toEqual([
      ['$.1', 'a'],
      ['$.3.2', "1' OR '1'='1"],
      ['$.4', 'b'],
    ]);
    // A group closed with another number, or left open, is not a message.
    expect(protobufStrings(message([0x1b], text(2, 'x'), [0x24]))).toBeUndefined();
    expect(protobufStrings(message([0x1b], text(2, 'x')))).toBeUndefined();
  });

  it('reads UTF-8 text, tabs and newlines included, and not text with other control characters', () => {
    expect(protobufStrings(message(text(1, 'naïve\tline\r\n'), delimited(2, [0x41, 0x07])))).toEqual([
      ['$.1', 'naïve\tline\r\n'],
    ]);
  });

  it('is undefined for bytes that are not a message (field 0, a cut length, a group closed by another field)', () => {
    expect(protobufStrings(Uint8Array.of(0x02, 0x01, 0x41))).toBeUndefined();
    expect(protobufStrings(Uint8Array.of(0x0a, 0x05, 0x41))).toBeUndefined();
    expect(protobufStrings(Uint8Array.of(0x0b, 0x14))).toBeUndefined();
    // An empty group is a message with no text in it.
    expect(protobufStrings(Uint8Array.of(0x0b, 0x0c))).toEqual([]);
    expect(protobufStrings(new TextEncoder().encode('plain text body'))).toBeUndefined();
  });

  it('keeps the fields before the cut when told the message was cut short', () => {
    const cut = message(text(1, "1' OR '1'='1"), text(2, 'x'.repeat(50))).subarray(0, 30);
    expect(protobufStrings(cut)).toBeUndefined();
    expect(protobufStrings(cut, '$', true)).toEqual([['$.1', "1' OR '1'='1"]]);
  });

  it('lists every text field, however many (ADR 30), and stops at nesting depth 8', () => {
    const many = message(...Array.from({ length: 1000 }, (_, i) => text(1, `v${i}`)));
    expect(protobufStrings(many)?.at(-1)).toEqual(['$.1', 'v999']);
    expect(protobufStrings(many)).toHaveLength(1000);
    let deep = message(text(1, 'bottom'));
    for (let i = 0; i < 10; i++) deep = message(delimited(2, deep));
    expect(protobufStrings(deep)).toEqual([]);
  });

  it('never throws on random bytes', () => {
    let x = 7;
    for (let n = 0; n < 2_000; n++) {
      const bytes = Uint8Array.from({ length: n % 97 }, () => {
        x = (x * 1_103_515_245 + 12_345) >>> 0;
        return x >>> 24;
      });
      expect(() => protobufStrings(bytes)).not.toThrow();
    }
  });
});
