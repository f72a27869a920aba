import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateBounded } from '#sidecar/protocols/bounded-inflate.ts';

const text = (n: number): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => `line ${i} of the body\n`).join(''));

describe('inflateBounded', () => {
  it('inflates a stream that fits whole', () => {
    const body = text(100);
    expect(Buffer.from(inflateBounded(deflateSync(body), 64 * 1024) ?? []).equals(body)).toBe(true);
  });

  it('keeps the start of a stream that inflates past the bound, a bomb included', () => {
    for (const body of [text(20_000), Buffer.concat([text(10), Buffer.alloc(64 * 1024 * 1024)])]) {
      const out = inflateBounded(deflateSync(body), 64 * 1024);
      expect(out?.length).toBeGreaterThan(0);
      expect(out?.length).toBeLessThanOrEqual(64 * 1024);
      expect(Buffer.from(out ?? []).toString('latin1', 0, 20)).toBe('line 0 of the body\nl');
    }
  });

  it('gives nothing for corrupt or empty input', () => {
    expect(inflateBounded(Uint8Array.of(0x78, 0x9c, 0xff, 0xff, 0xff), 1024)).toBeUndefined();
    expect(inflateBounded(new Uint8Array(0), 1024)).toBeUndefined();
    expect(inflateBounded(Buffer.from('plain text, not zlib'), 1024)).toBeUndefined();
  });
});
