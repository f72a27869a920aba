/**
 * The panel for one service: its mode and pods (operators act on them), its rules, recent threats, violations and
 * flows (with the clients a trusted proxy forwarded for), its policy.
 */
import type { ApiClient } from './api-client.ts';
import { describePeer, type FindingRecord, type Group, type Mode, type Rule } from './api-types.ts';
import { el, replaceChildren, timeAgo } from './dom.ts';
import { exportPanel } from './export-view.ts';
import { threatParties } from './finding-summary.ts';
import { flowParties } from './flow-parties.ts';
import { forwardedText } from './forwarded-text.ts';
import { podsSection } from './pods-section.ts';

export type PanelContext = { api: ApiClient; operator: boolean; onChanged: () => void };

const modes: Mode[] = ['discover', 'monitor', 'protect'];

const ruleLine = (rule: Rule) =>
  el('li', { 'data-rule': rule.id }, [
    `${describePeer(rule.from)} → ${describePeer(rule.to)} ${rule.protocol}/${rule.port}`,
    rule.http === undefined ? '' : ` ${rule.http.methods.join(',')} ${rule.http.paths.join(' ')}`,
    ` (${rule.source}, ${rule.hits} hits)`,
  ]);

/**
 * What a finding says: a threat's id, severity and parties; a flow's protocol and parties; a violation's reason and
 * the clients a trusted proxy forwarded for.
 */
const findingText = (f: FindingRecord['finding']): string => {
  if (f.type === 'threat') {
    const parties = threatParties(f);
    return `${String(f.threat)} (${String(f.severity)})${parties === undefined ? '' : ` ${parties}`}`;
  }
  if (f.type === 'flow') return `${String(f.protocol)} ${flowParties(f) ?? ''}`.trim();
  const forwarded = forwardedText(f.forwarded);
  return `${String(f.reason ?? f.type)}${forwarded === undefined ? '' : ` · ${forwarded}`}`;
};

const findingLine = (record: FindingRecord) => {
  const what = findingText(record.finding);
  return el('li', { class: `finding ${record.kind}` }, [`${timeAgo(record.at)} · ${record.kind}: ${what}`]);
};

const modeButtons = (group: Group, context: PanelContext, status: HTMLElement) =>
  el(
    'div',
    { class: 'modes', role: 'group', 'aria-label': 'mode' },
    modes.map((mode) =>
      el(
        'button',
        {
          type: 'button',
          'data-mode': mode,
          'aria-pressed': String(group.mode === mode),
          disabled: !context.operator || group.mode === mode,
          title: context.operator ? `switch to ${mode}` : 'operators only',
          onclick: async () => {
            const answer = await context.api.send(
              'PUT',
              `/api/groups/${group.namespace}/${group.name}/mode`,
              { mode },
            );
            status.textContent = answer.ok ? `mode is now ${mode}` : `could not switch: ${answer.message}`;
            if (answer.ok) context.onChanged();
          },
        },
        [mode],
      ),
    ),
  );

const section = (title: string, items: HTMLElement[], empty: string) =>
  el('section', {}, [
    el('h3', {}, [title]),
    items.length === 0 ? el('p', { class: 'muted' }, [empty]) : el('ul', {}, items),
  ]);

const closeButton = (panel: HTMLElement) =>
  el(
    'button',
    {
      type: 'button',
      class: 'close',
      'aria-label': 'close panel',
      onclick: () => {
        panel.hidden = true;
      },
    },
    ['×'],
  );

const modeSection = (group: Group | undefined, context: PanelContext) => {
  if (group === undefined)
    return el('p', { class: 'muted' }, ['An external peer: it has no mode of its own.']);
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  return el('div', {}, [
    el('p', {}, [
      `${group.kind}, ${group.pods} pod(s), mode `,
      el('strong', { 'data-current-mode': group.mode }, [group.mode]),
    ]),
    modeButtons(group, context, status),
    status,
  ]);
};

const loadService = (api: ApiClient, id: string) => {
  const q = encodeURIComponent(id);
  return Promise.all([
    api.get<{ groups: Group[] }>('/api/groups'),
    api.get<{ rules: Rule[] }>(`/api/rules?group=${q}`),
    api.get<{ findings: FindingRecord[] }>(`/api/findings?group=${q}&kind=threat&limit=20`),
    api.get<{ findings: FindingRecord[] }>(`/api/violations?group=${q}&limit=20`),
    api.get<{ findings: FindingRecord[] }>(`/api/findings?group=${q}&kind=flow&limit=20`),
  ]);
};

export const renderServicePanel = async (panel: HTMLElement, id: string, context: PanelContext) => {
  panel.hidden = false;
  panel.dataset.service = id;
  replaceChildren(panel, [el('p', {}, [`Loading ${id}…`])]);
  const [groups, rules, threats, violations, flows] = await loadService(context.api, id);
  const group = groups.ok ? groups.value.groups.find((g) => g.key === id) : undefined;
  const pods = group === undefined ? undefined : await podsSection(group, context);
  if (panel.dataset.service !== id) return; // another service was opened meanwhile
  replaceChildren(panel, [
    closeButton(panel),
    el('h2', { tabindex: '-1' }, [id]),
    modeSection(group, context),
    pods,
    section(
      'Rules',
      rules.ok ? rules.value.rules.map(ruleLine) : [],
      rules.ok ? 'No rules yet: the service has not been seen talking.' : rules.message,
    ),
    section('Recent threats', threats.ok ? threats.value.findings.map(findingLine) : [], 'No threats seen.'),
    section(
      'Recent violations',
      violations.ok ? violations.value.findings.map(findingLine) : [],
      'No violations.',
    ),
    section('Recent flows', flows.ok ? flows.value.findings.map(findingLine) : [], 'No flows reported.'),
    group === undefined ? undefined : exportPanel(context.api, group),
  ]);
  panel.querySelector('h2')?.focus();
};
