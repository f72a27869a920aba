import { describe, expect, it } from 'vitest';
import { type BDict, type BValue, isDict, readBencode } from '#sidecar/protocols/bencode.ts';
import { ascii, prng, randomBytes } from '#test/fixtures/protocols/protocol-harness.ts';

const read = (text: string) => readBencode(ascii(text));
const plain = (v: BValue): unknown => {
  if (typeof v === 'number') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  if (Array.isArray(v)) return v.map(plain);
  return Object.fromEntries([...(v as BDict).entries].map(([k, x]) => [k, plain(x)]));
};
const value = (text: string) => {
  const r = read(text);
  return r.ok ? plain(r.value) : r.reason;
};

describe('readBencode (BEP 3 bencoding)', () => {
  it("reads BEP 3's examples: strings, integers, lists, dictionaries", () => {
    expect(value('4:spam')).toBe('spam');
    expect(value('0:')).toBe('');
    expect(value('i3e')).toBe(3);
    expect(value('i-3e')).toBe(-3);
    expect(value('i0e')).toBe(0);
    expect(value('l4:spam4:eggse')).toEqual(['spam', 'eggs']);
    expect(value('d3:cow3:moo4:spam4:eggse')).toEqual({ cow: 'moo', spam: 'eggs' });
    expect(value('d4:spaml1:a1:bee')).toEqual({ spam: ['a', 'b'] });
  });

  it('refuses what BEP 3 rules out: leading zeros, -0, unsorted or repeated keys, non-string keys', () => {
    for (const bad of [
      'i03e',
      'i-0e',
      'i-e',
      'ie',
      'i1x',
      '03:abc',
      'd4:spam1:a3:cow1:be',
      'd1:a1:x1:a1:ye',
      'di1e1:ae',
      'x',
    ])
      expect(value(bad), bad).toBe('malformed');
  });

  it('tells a cut value from a malformed one', () => {
    for (const cut of ['4:spa', 'i12', 'l4:spam', 'd3:cow', 'd3:cow3:moo', '12'])
      expect(value(cut), cut).toBe('truncated');
  });

  it('refuses a huge declared length without allocating it, and integers past 15 digits', () => {
    expect(value('99999999999:abc')).toBe('truncated');
    expect(value('9999999999999999:abc')).toBe('malformed');
    expect(value('i1234567890123456e')).toBe('malformed');
    expect(value('i123456789012345e')).toBe(123456789012345);
  });

  it('stops deep nesting and item floods at its limits', () => {
    expect(value(`${'l'.repeat(100_000)}${'e'.repeat(100_000)}`)).toBe('too-deep');
    expect(value(`${'l'.repeat(32)}${'e'.repeat(32)}`)).toEqual(expect.any(Array));
    expect(value(`l${'i1e'.repeat(5000)}e`)).toBe('too-many');
  });

  it("gives a dictionary's span, so a torrent's info hash is the SHA-1 of exactly those octets", () => {
    const text = 'd8:announce3:url4:infod4:name1:xee';
    const r = readBencode(ascii(text));
    const info = r.ok && isDict(r.value) ? r.value.entries.get('info') : undefined;
    expect(isDict(info) ? text.slice(info.start, info.end) : undefined).toBe('d4:name1:xe');
  });

  it('never throws on random or mutated input', () => {
    const next = prng(0xbe);
    const valid = ascii('d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe');
    for (let i = 0; i < 5000; i++) {
      expect(() => readBencode(randomBytes(next, Math.floor(next() * 64)))).not.toThrow();
      const mutated = Uint8Array.from(valid);
      mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
      expect(() => readBencode(mutated.subarray(0, Math.floor(next() * mutated.length)))).not.toThrow();
    }
  });
});
