import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '#sidecar/report/backoff-delay.ts';

describe('backoffDelay', () => {
  const options = { baseMs: 100, maxMs: 10_000 };

  it('doubles per attempt, with jitter between half and all of the ceiling', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, () => 0))).toEqual([
      50, 100, 200, 400,
    ]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, () => 0.999999))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it('never exceeds the maximum and never drops below half the ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, options, () => r);
          const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
          return delay <= options.maxMs && delay >= ceiling / 2 - 1;
        },
      ),
    );
  });
});
