/** The rules table's query: free text, one group (either end), learned or manual; most hits first. */
import { describePeer, type Rule } from './api-types.ts';

export type RuleQuery = { text: string; group: string; source: '' | 'learned' | 'manual' };

export const filterRules = (rules: readonly Rule[], query: RuleQuery): Rule[] => {
  const text = query.text.trim().toLowerCase();
  return rules
    .filter((rule) => query.source === '' || rule.source === query.source)
    .filter(
      (rule) =>
        query.group === '' ||
        describePeer(rule.from) === query.group ||
        describePeer(rule.to) === query.group,
    )
    .filter((rule) => text === '' || JSON.stringify(rule).toLowerCase().includes(text))
    .sort((a, b) => b.hits - a.hits || a.id.localeCompare(b.id));
};
