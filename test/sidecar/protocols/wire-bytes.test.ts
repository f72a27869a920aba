import { describe, expect, it } from 'vitest';
import { latin1, utf8View } from '#sidecar/protocols/wire-bytes.ts';

/** Every octet value, inside a larger buffer so that views have a non-zero offset. */
const allOctets = (() => {
  const backing = new Uint8Array(300);
  for (let i = 0; i < 256; i++) backing[i + 10] = i;
  return backing.subarray(10, 266);
})();

describe('latin1', () => {
  it('decodes every octet as Buffer#toString("latin1") does, from a view at an offset', () => {
    expect(latin1(allOctets)).toBe(Buffer.from(allOctets).toString('latin1'));
    expect(latin1(allOctets, 0x7e, 0xa2)).toBe(
      Buffer.from(allOctets.subarray(0x7e, 0xa2)).toString('latin1'),
    );
  });

  it('clamps like subarray: past the end, empty and reversed ranges', () => {
    const bytes = Uint8Array.from(Buffer.from('GET /', 'latin1'));
    expect(latin1(bytes, 0, 64)).toBe('GET /');
    expect(latin1(bytes, 4, 64)).toBe('/');
    expect(latin1(bytes, 5, 64)).toBe('');
    expect(latin1(bytes, 9, 64)).toBe('');
    expect(latin1(bytes, 3, 1)).toBe('');
    expect(latin1(new Uint8Array(0))).toBe('');
  });
});

describe('utf8View', () => {
  it('decodes as Buffer#toString("utf8") does, replacement characters included', () => {
    const bytes = Uint8Array.from([0x61, 0xc3, 0xa9, 0xff, 0xe2, 0x82, 0x41, 0xf0, 0x9f, 0x98, 0x80, 0x80]);
    expect(utf8View(bytes, 0, bytes.length)).toBe(Buffer.from(bytes).toString('utf8'));
    expect(utf8View(bytes, 1, 7)).toBe(Buffer.from(bytes.subarray(1, 7)).toString('utf8'));
  });

  it('clamps to the bytes present', () => {
    const bytes = Uint8Array.from(Buffer.from('select 1', 'latin1'));
    expect(utf8View(bytes, 7, 8192)).toBe('1');
    expect(utf8View(bytes, 8, 8192)).toBe('');
    expect(utf8View(bytes, 12, 8192)).toBe('');
  });
});
