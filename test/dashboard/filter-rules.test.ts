/** filterRules: text search, either end of a group, learned vs manual, most hits first. */
import { describe, expect, it } from 'vitest';
import { bookinfo, rulesOf } from '#test/helpers/topology.ts';
import type { Rule } from '../../dashboard/src/api-types.ts';
import { filterRules } from '../../dashboard/src/filter-rules.ts';

/** As the API sends them: JSON. */
const rules: Rule[] = JSON.parse(
  JSON.stringify(
    rulesOf(bookinfo()).map((rule, i) => ({
      ...rule,
      hits: [5, 50, 20][i] ?? 0,
      source: i === 2 ? ('manual' as const) : ('learned' as const),
    })),
  ),
);

describe('filterRules', () => {
  it('sorts by hits, most first', () => {
    expect(filterRules(rules, { text: '', group: '', source: '' }).map((r) => r.hits)).toEqual([50, 20, 5]);
  });
  it('matches a group at either end', () => {
    expect(
      filterRules(rules, { text: '', group: 'default/reviews', source: '' })
        .map((r) => r.id)
        .sort(),
    ).toEqual(['productpage-reviews-9080', 'reviews-ratings-9080']);
  });
  it('searches paths and filters by source', () => {
    expect(filterRules(rules, { text: '/RATINGS/', group: '', source: '' }).map((r) => r.id)).toEqual([
      'reviews-ratings-9080',
    ]);
    expect(filterRules(rules, { text: '', group: '', source: 'manual' })).toHaveLength(1);
  });
});
