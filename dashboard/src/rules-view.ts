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

/** The query controls, keeping what the reader had chosen before a refresh redrew the view. */
const queryControls = (root: HTMLElement, groups: readonly string[]) => {
  const value = (selector: string) =>
    (root.querySelector(selector) as HTMLInputElement | HTMLSelectElement | null)?.value ?? '';
  const search = el('input', {
    type: 'search',
    name: 'search',
    placeholder: 'search rules',
    'aria-label': 'search rules',
    value: value('input[name=search]'),
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
  group.value = value('select[name=group]');
  source.value = value('select[name=source]');
  const query = (): RuleQuery => ({
    text: search.value,
    group: group.value,
    source: source.value as RuleQuery['source'],
  });
  return { controls: [search, group, source], query };
};

const headings = ['From', 'To', 'Port', 'Layer 7', 'Source', 'Hits', 'Last seen'];

export const renderRulesView = (
  root: HTMLElement,
  rules: readonly Rule[],
  groups: readonly string[],
): void => {
  if (rules.length === 0) {
    replaceChildren(root, [
      emptyState(
        'No rules learned yet',
        'Inject a tap into a pod and send it traffic; rules appear as they are learned.',
      ),
    ]);
    return;
  }
  const { controls, query } = queryControls(root, groups);
  const body = el('tbody');
  const count = el('p', { role: 'status', class: 'muted' });
  const draw = () => {
    const shown = filterRules(rules, query());
    replaceChildren(body, shown.slice(0, maxRows).map(row));
    count.textContent = `${shown.length} of ${rules.length} rules${shown.length > maxRows ? `, first ${maxRows} shown` : ''}`;
  };
  for (const control of controls) control.addEventListener('input', draw);
  const head = el('thead', {}, [
    el(
      'tr',
      {},
      headings.map((h) => el('th', { scope: 'col' }, [h])),
    ),
  ]);
  replaceChildren(root, [
    el('div', { class: 'toolbar' }, controls),
    count,
    el('table', { class: 'rules' }, [head, body]),
  ]);
  draw();
};
