/** Threats and violations, newest first; an operator can turn a violation into a rule ("allow"). */
import type { ApiClient } from './api-client.ts';
import type { FindingRecord } from './api-types.ts';
import { el, emptyState, replaceChildren } from './dom.ts';
import { findingSummary } from './finding-summary.ts';

type TimelineContext = { api: ApiClient; operator: boolean; onChanged: () => void };

const allowButton = (record: FindingRecord, context: TimelineContext) =>
  el(
    'button',
    {
      type: 'button',
      title: 'turn this violation into a manual rule',
      onclick: async (event) => {
        const answer = await context.api.send(
          'POST',
          `/api/violations/${encodeURIComponent(record.id)}/allow`,
        );
        (event.target as HTMLButtonElement).textContent = answer.ok ? 'allowed' : answer.message;
        if (answer.ok) context.onChanged();
      },
    },
    ['Allow'],
  );

const item = (record: FindingRecord, context: TimelineContext) =>
  el('li', { class: `finding ${record.kind}`, 'data-kind': record.kind }, [
    el('time', { datetime: record.at }, [new Date(record.at).toLocaleString()]),
    el('span', { class: 'badge' }, [record.kind]),
    el('span', {}, [findingSummary(record)]),
    record.kind === 'violation' && context.operator ? allowButton(record, context) : undefined,
  ]);

export const renderTimelineView = (
  root: HTMLElement,
  records: readonly FindingRecord[],
  context: TimelineContext,
): void => {
  if (records.length === 0) {
    replaceChildren(root, [
      emptyState(
        'No threats or violations',
        'Threats appear when a tap sees an attack; violations when a group in monitor or protect mode talks outside its rules.',
      ),
    ]);
    return;
  }
  const sorted = [...records].sort((a, b) => b.at.localeCompare(a.at));
  replaceChildren(root, [
    el(
      'ol',
      { class: 'timeline' },
      sorted.map((record) => item(record, context)),
    ),
  ]);
};
