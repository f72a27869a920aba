/** The graph's filter controls and the keyboard-accessible list of services beside it. */

import { el, replaceChildren } from './dom.ts';
import type { GraphFilters, GraphModel } from './graph-model.ts';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export const readFilters = (): GraphFilters => ({
  namespace: byId<HTMLSelectElement>('filter-namespace').value,
  protocol: byId<HTMLSelectElement>('filter-protocol').value,
  showMeshControl: byId<HTMLInputElement>('filter-mesh').checked,
  encryptedOnly: byId<HTMLInputElement>('filter-encrypted').checked,
  violationsOnly: byId<HTMLInputElement>('filter-violations').checked,
});

/** Refills a select's options, keeping what was chosen. */
const fillSelect = (select: HTMLSelectElement, values: readonly string[]) => {
  const chosen = select.value;
  const current = [...select.options].slice(1).map((o) => o.value);
  if (current.join('\n') === values.join('\n')) return;
  replaceChildren(select, [select.options[0], ...values.map((v) => el('option', { value: v }, [v]))]);
  select.value = values.includes(chosen) ? chosen : '';
};

export const updateFilterChoices = (model: GraphModel) => {
  fillSelect(byId('filter-namespace'), model.namespaces);
  fillSelect(byId('filter-protocol'), model.protocols);
};

export const renderServiceList = (model: GraphModel, onSelect: (id: string) => void) => {
  const text = byId<HTMLInputElement>('service-search').value.trim().toLowerCase();
  const items = model.nodes
    .filter((node) => text === '' || node.id.toLowerCase().includes(text))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((node) =>
      el('li', {}, [
        el('button', { type: 'button', 'data-service': node.id, onclick: () => onSelect(node.id) }, [
          node.violating ? `⚠ ${node.id}` : node.id,
        ]),
      ]),
    );
  replaceChildren(byId('service-list'), items);
};
