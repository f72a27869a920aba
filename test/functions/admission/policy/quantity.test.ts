/** Kubernetes quantities, exact in nano-units: decimal and binary suffixes, exponents, fractions rounded up. */
import { describe, expect, it } from 'vitest';
import { parseQuantity } from '#functions/admission/policy/quantity.ts';

describe('parseQuantity', () => {
  it.each([
    ['1', 1_000_000_000n],
    ['500m', 500_000_000n],
    ['0.1', 100_000_000n],
    ['.5', 500_000_000n],
    ['2k', 2_000_000_000_000n],
    ['1Ki', 1024n * 1_000_000_000n],
    ['1.5Gi', 1_610_612_736n * 1_000_000_000n],
    ['128Mi', 134_217_728n * 1_000_000_000n],
    ['1e3', 1_000_000_000_000n],
    ['1E-3', 1_000_000n],
    ['-1k', -1_000_000_000_000n],
    ['1n', 1n],
    ['0.5n', 1n],
  ])('%s', (text, nano) => {
    expect(parseQuantity(text)).toBe(nano);
  });

  it.each(['', 'abc', '1Gb', '1.2.3', 'Mi', '1 Mi', '1e999'])('rejects %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  it('orders quantities across units', () => {
    expect((parseQuantity('1Gi') ?? 0n) > (parseQuantity('1G') ?? 0n)).toBe(true);
    expect(parseQuantity('1000m')).toBe(parseQuantity('1'));
  });
});
