import { describe, expect, it } from 'vitest';
import { matchesAll, parseMatcher } from '#functions/respond/mutes/matcher.ts';

const labels = { namespace: 'shop', threat: 'dns-tunnel', group: 'shop/frontend' };

describe('Alertmanager-style matchers', () => {
  it.each([
    ['namespace=shop', true],
    ['namespace!=shop', false],
    ['threat=~dns-.*', true],
    ['threat=~tunnel', false],
    ['threat!~sql-.*', true],
    ['missing=""', true],
    ['missing!=""', false],
    ['group="shop/frontend"', true],
  ])('%s → %s', (text, expected) => {
    const matcher = parseMatcher(text);
    expect(matcher).toBeDefined();
    expect(matchesAll(matcher ? [matcher] : [], labels)).toBe(expected);
  });

  it('an empty matcher list matches nothing, and a broken regex matches nothing', () => {
    expect(matchesAll([], labels)).toBe(false);
    expect(matchesAll([{ name: 'threat', value: '(', isRegex: true, isEqual: true }], labels)).toBe(false);
  });

  it('rejects text that is not a matcher', () => {
    expect(parseMatcher('just words')).toBeUndefined();
    expect(parseMatcher('=value')).toBeUndefined();
  });
});
