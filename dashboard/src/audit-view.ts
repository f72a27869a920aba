/** The audit log (who quarantined, released, muted, changed what, and why), when the control plane serves it. */
import type { ApiAnswer } from './api-client.ts';
import type { AuditEntry } from './api-types.ts';
import { el, emptyState, replaceChildren } from './dom.ts';

const row = (entry: AuditEntry) =>
  el('tr', { 'data-audit': entry.id }, [
    el('td', {}, [el('time', { datetime: entry.at }, [new Date(entry.at).toLocaleString()])]),
    el('td', {}, [entry.actor]),
    el('td', {}, [entry.action]),
    el('td', {}, [entry.target]),
    el('td', {}, [entry.status]),
    el('td', {}, [entry.reason]),
    el('td', {}, [entry.detail.join('; ')]),
  ]);

export const renderAuditView = (root: HTMLElement, answer: ApiAnswer<{ audit: AuditEntry[] }>): void => {
  if (!answer.ok) {
    replaceChildren(root, [
      answer.status === 404
        ? emptyState('No audit log on this control plane', 'This control plane does not serve /api/audit.')
        : el('p', { role: 'alert' }, [answer.message]),
    ]);
    return;
  }
  if (answer.value.audit.length === 0) {
    replaceChildren(root, [
      emptyState(
        'Nothing audited yet',
        'Quarantines, releases, captures and mutes are recorded here with who did them and why.',
      ),
    ]);
    return;
  }
  const headings = ['When', 'Who', 'Action', 'Target', 'Status', 'Reason', 'Detail'];
  replaceChildren(root, [
    el('table', { class: 'data audit' }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          headings.map((h) => el('th', { scope: 'col' }, [h])),
        ),
      ]),
      el('tbody', {}, answer.value.audit.map(row)),
    ]),
  ]);
};
