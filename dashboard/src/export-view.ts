/** Export: learned rules as NetworkPolicy, Istio, Cilium or Linkerd YAML, shown and downloadable. */
import type { ApiClient } from './api-client.ts';
import type { ExportResult, Group } from './api-types.ts';
import { documentsNaming } from './documents-naming.ts';
import { el, replaceChildren } from './dom.ts';

export const exportFormats = ['networkpolicy', 'istio', 'cilium', 'linkerd'] as const;

const download = (name: string, text: string) => {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};

const exportForm = (api: ApiClient, namespace: () => string, onlyFor?: string): HTMLElement => {
  const format = el(
    'select',
    { 'aria-label': 'export format', name: 'format' },
    exportFormats.map((f) => el('option', { value: f }, [f])),
  );
  const output = el('div', { class: 'export-output' });
  const run = async () => {
    const ns = namespace();
    const answer = await api.get<ExportResult>(
      `/api/export?format=${format.value}${ns === '' ? '' : `&namespace=${encodeURIComponent(ns)}`}`,
    );
    if (!answer.ok) return replaceChildren(output, [el('p', { role: 'alert' }, [answer.message])]);
    const docs = onlyFor === undefined ? [answer.value.yaml] : documentsNaming(answer.value.yaml, onlyFor);
    const yaml = docs.join('---\n');
    const file = `meshward-${format.value}${ns === '' ? '' : `-${ns}`}${onlyFor === undefined ? '' : `-${onlyFor}`}.yaml`;
    replaceChildren(output, [
      ...answer.value.warnings.map((w) => el('p', { class: 'warning' }, [`Warning: ${w}`])),
      onlyFor === undefined
        ? undefined
        : el('p', { class: 'muted' }, [`${docs.length} document(s) of namespace ${ns} name ${onlyFor}.`]),
      el('button', { type: 'button', onclick: () => download(file, yaml) }, [`Download ${file}`]),
      el('pre', { class: 'yaml', tabindex: '0', 'aria-label': 'exported YAML' }, [
        yaml === '' ? '# nothing to export for this selection' : yaml,
      ]),
    ]);
  };
  return el('div', { class: 'export-form' }, [
    el('label', {}, ['Format ', format]),
    el('button', { type: 'button', class: 'run-export', onclick: () => void run() }, ['Export']),
    output,
  ]);
};

export const exportPanel = (api: ApiClient, group: Group): HTMLElement =>
  el('section', { class: 'panel-export' }, [
    el('h3', {}, ['Export policy']),
    exportForm(api, () => group.namespace, group.name),
  ]);

export const renderExportView = (root: HTMLElement, api: ApiClient, namespaces: readonly string[]): void => {
  const namespace = el('select', { 'aria-label': 'namespace', name: 'namespace' }, [
    el('option', { value: '' }, ['all application namespaces']),
    ...namespaces.map((ns) => el('option', { value: ns }, [ns])),
  ]);
  replaceChildren(root, [
    el('h2', {}, ['Export rules as policy']),
    el('p', { class: 'muted' }, [
      'Deterministic YAML, commented with the rule behind each allowance. DNS egress is always allowed.',
    ]),
    el('label', {}, ['Namespace ', namespace]),
    exportForm(api, () => namespace.value),
  ]);
};
