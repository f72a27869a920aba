import { describe, expect, it } from 'vitest';
import { memoVerdict } from '#sidecar/threats/text/memo-verdict.ts';

describe('memoVerdict', () => {
  const counting = () => {
    const calls: string[] = [];
    const verdict = (text: string) => {
      calls.push(text);
      return text.includes(';') ? 'operator' : undefined;
    };
    return { calls, verdict };
  };

  it('judges a repeated text once, findings and non-findings alike', () => {
    const { calls, verdict } = counting();
    const memo = memoVerdict(verdict);
    expect([memo('a;b'), memo('a;b'), memo('ab'), memo('ab')]).toEqual([
      'operator',
      'operator',
      undefined,
      undefined,
    ]);
    expect(calls).toEqual(['a;b', 'ab']);
  });

  it('judges long texts every time and forgets everything when full', () => {
    const { calls, verdict } = counting();
    const memo = memoVerdict(verdict, 2, 4);
    memo('long;text');
    memo('long;text');
    memo('a');
    memo('b');
    memo('c');
    memo('a');
    expect(calls).toEqual(['long;text', 'long;text', 'a', 'b', 'c', 'a']);
  });
});
