/** The rules table: search, per group, learned vs manual, hit counts; at most 500 rows drawn at once. */
import { describePeer, type Rule } from './api-types.ts';
import { el, emptyState, replaceChildren, timeAgo } from './dom.ts';
import { filterRules, type RuleQuery } from './filter-rules.ts';

const maxRows = 500;

const row = (rule: Rule) =>
  el('tr', { 'data-rule': rule.id }, [
    el('td', {}, [describePeer(rule.from)]),
    el('td', {}, [describePeer(rule.to)]),
    el('td', {}, [`${rule.protocol}/${rule.port}${rule.portEnd === undefined ? '' : `-${rule.portEnd}`}`]),
    el('td', {}, [
      rule.http === undefined
        ? (rule.dnsNames ?? []).join(' ')
        : `${rule.http.methods.join(',')} ${rule.http.paths.join(' ')}`,
    ]),
    el('td', {}, [rule.source]),
    el('td', { class: 'num' }, [String(rule.hits)]),
    el('td', {}, [timeAgo(rule.lastSeen)]),
  ]);

export const renderRulesView = (
  root: HTMLElement,
  rules: readonly Rule[],
  groups: readonly string[],
): void => {
  const previous = {
    text: (root.querySelector('input[name=search]') as HTMLInputElement | null)?.value ?? '',
    group: (root.querySelector('select[name=group]') as HTMLSelectElement | null)?.value ?? '',
    source: ((root.querySelector('select[name=source]') as HTMLSelectElement | null)?.value ??
      '') as RuleQuery['source'],
  };
  if (rules.length === 0) {
    replaceChildren(root, [
      emptyState(
        'No rules learned yet',
        'Run `npm start` to replay the demo capture, or inject a tap into a pod and send it traffic.',
      ),
    ]);
    return;
  }
  const body = el('tbody');
  const count = el('p', { role: 'status', class: 'muted' });
  const search = el('input', {
    type: 'search',
    name: 'search',
    placeholder: 'search rules',
    'aria-label': 'search rules',
    value: previous.text,
  });
  const group = el('select', { name: 'group', 'aria-label': 'group' }, [
    el('option', { value: '' }, ['all groups']),
    ...groups.map((g) => el('option', { value: g }, [g])),
  ]);
  const source = el('select', { name: 'source', 'aria-label': 'source' }, [
    el('option', { value: '' }, ['learned and manual']),
    el('option', { value: 'learned' }, ['learned']),
    el('option', { value: 'manual' }, ['manual']),
  ]);
  group.value = previous.group;
  source.value = previous.source;
  const draw = () => {
    const shown = filterRules(rules, {
      text: search.value,
      group: group.value,
      source: source.value as RuleQuery['source'],
    });
    replaceChildren(body, shown.slice(0, maxRows).map(row));
    count.textContent = `${shown.length} of ${rules.length} rules${shown.length > maxRows ? `, first ${maxRows} shown` : ''}`;
  };
  for (const control of [search, group, source]) control.addEventListener('input', draw);
  const headings = ['From', 'To', 'Port', 'Layer 7', 'Source', 'Hits', 'Last seen'];
  replaceChildren(root, [
    el('div', { class: 'toolbar' }, [search, group, source]),
    count,
    el('table', { class: 'rules' }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          headings.map((h) => el('th', { scope: 'col' }, [h])),
        ),
      ]),
      body,
    ]),
  ]);
  draw();
};
