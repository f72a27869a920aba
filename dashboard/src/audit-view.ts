/** The audit log (who quarantined, released, muted, changed what), when the control plane serves it. */
import type { ApiAnswer } from './api-client.ts';
import type { AuditEntry } from './api-types.ts';
import { el, emptyState, replaceChildren } from './dom.ts';

export const renderAuditView = (root: HTMLElement, answer: ApiAnswer<{ audit: AuditEntry[] }>): void => {
  if (!answer.ok) {
    replaceChildren(root, [
      answer.status === 404
        ? emptyState(
            'No audit log on this control plane',
            'This control plane does not serve /api/audit yet.',
          )
        : el('p', { role: 'alert' }, [answer.message]),
    ]);
    return;
  }
  if (answer.value.audit.length === 0) {
    replaceChildren(root, [
      emptyState(
        'Nothing audited yet',
        'Quarantines, releases, mutes and captures are recorded here with who did them and why.',
      ),
    ]);
    return;
  }
  replaceChildren(root, [
    el(
      'ol',
      { class: 'timeline' },
      answer.value.audit.map((entry) => el('li', {}, [JSON.stringify(entry)])),
    ),
  ]);
};
