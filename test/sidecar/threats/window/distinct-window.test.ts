import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDistinct, distinctWindow } from '#sidecar/threats/window/distinct-window.ts';

/** The plain model: one Map of values by when they were last seen, pruned by age a few times per window. */
const reference = () => {
  const seen = new Map<string | number, number>();
  let prunedAt = 0;
  return (value: string | number, ts: number, windowMs: number, maxValues = 4096): number => {
    if (ts - prunedAt >= windowMs / 4 || seen.size >= maxValues) {
      for (const [v, at] of seen) if (ts - at > windowMs) seen.delete(v);
      prunedAt = ts;
    }
    if (seen.size < maxValues || seen.has(value)) {
      seen.delete(value);
      seen.set(value, ts);
    }
    return seen.size;
  };
};

describe('distinctWindow', () => {
  it('counts what one Map of values does, one value inline or many', () => {
    const step = fc.record({
      value: fc.oneof(fc.constantFrom(1, 2, 3, 80, Number.NaN, 0), fc.constantFrom('a', 'b', '1')),
      gap: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3000 })),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), fc.constantFrom(100, 1000), (steps, windowMs) => {
        const window = distinctWindow();
        const model = reference();
        let ts = 1_000;
        for (const { value, gap } of steps) {
          ts += gap;
          expect(addDistinct(window, value, ts, windowMs)).toBe(model(value, ts, windowMs));
        }
      }),
    );
  });

  it('stays without a Map while only one value comes', () => {
    const window = distinctWindow();
    for (let ts = 0; ts < 5_000; ts += 100) expect(addDistinct(window, 443, ts, 1_000)).toBe(1);
    expect(window.seen).toBeUndefined();
    expect(addDistinct(window, 80, 5_000, 1_000)).toBe(2);
    expect(window.seen?.size).toBe(2);
  });

  it('keeps at most the values its owner asks for, counted as the plain model with that bound counts them', () => {
    const window = distinctWindow();
    const model = reference();
    for (let i = 0; i < 500; i++) {
      const ts = 1_000 + i * 10;
      expect(addDistinct(window, `/p${i % 300}`, ts, 2_000, 100)).toBe(model(`/p${i % 300}`, ts, 2_000, 100));
    }
    expect(window.seen?.size).toBe(100);
  });
});
