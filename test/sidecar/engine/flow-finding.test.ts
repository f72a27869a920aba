import { describe, expect, it } from 'vitest';
import { iso } from '#sidecar/engine/flow-finding.ts';

describe('flow finding times', () => {
  it('formats like Date#toISOString, with the cached second reused across calls', () => {
    const times = [
      0,
      -0.5,
      -86_400_001,
      1_764_000_000_000,
      1_764_000_000_007.9,
      1_764_000_000_042,
      1_764_000_000_999.999,
      1_764_000_001_000,
      253_402_300_799_999,
      253_402_300_800_000,
      Number.NaN,
    ];
    for (const ms of times) expect(iso(ms)).toBe(new Date(Number.isFinite(ms) ? ms : 0).toISOString());
  });
});
