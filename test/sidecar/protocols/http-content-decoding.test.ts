import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeContent } from '#sidecar/protocols/http-content-decoding.ts';

const text = new TextEncoder().encode('{"q":"1\' OR \'1\'=\'1"}');
const asText = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString());

describe('decodeContent', () => {
  it.each([
    ['gzip', gzipSync(text)],
    ['x-gzip', gzipSync(text)],
    ['deflate', deflateSync(text)],
    ['deflate', deflateRawSync(text)],
    ['br', brotliCompressSync(text)],
    ['identity', Buffer.from(text)],
    ['GZIP', gzipSync(text)],
  ])('undoes %s', (coding, body) => {
    expect(asText(decodeContent(new Uint8Array(body), coding))).toBe(Buffer.from(text).toString());
  });

  it('undoes stacked codings in the reverse of the order listed', () => {
    const body = brotliCompressSync(gzipSync(text));
    expect(asText(decodeContent(new Uint8Array(body), 'gzip, br'))).toBe(Buffer.from(text).toString());
  });

  it('gives what a cut body holds', () => {
    const long = new TextEncoder().encode(
      `${'{"q":"1 UNION SELECT password FROM users"}'.repeat(2)}${'x'.repeat(50_000)}`,
    );
    const cut = new Uint8Array(gzipSync(long, { level: 0 })).subarray(0, 2_000);
    expect(asText(decodeContent(cut, 'gzip'))?.startsWith('{"q":"1 UNION SELECT')).toBe(true);
  });

  it('is undefined for a coding it does not read, data that is not what it claims, and a bomb past 1 MiB', () => {
    expect(decodeContent(new Uint8Array(gzipSync(text)), 'zstd')).toBeUndefined();
    expect(decodeContent(text, 'gzip')).toBeUndefined();
    expect(decodeContent(new Uint8Array(gzipSync(new Uint8Array(4 * 1024 * 1024))), 'gzip')).toBeUndefined();
  });
});

describe('decodeContent on hostile input', () => {
  it('never throws on random or corrupted compressed bytes', () => {
    let x = 5;
    const good = new Uint8Array(gzipSync(text));
    for (let n = 0; n < 2_000; n++) {
      const bytes = good.slice();
      x = (x * 1_103_515_245 + 12_345) >>> 0;
      bytes[x % bytes.length] = x >>> 24;
      for (const coding of ['gzip', 'deflate', 'br', 'gzip, br'])
        expect(() => decodeContent(bytes, coding)).not.toThrow();
    }
  });
});
