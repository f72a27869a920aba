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

type Workload = { namespace: string; name: string };

/** A workload's own documents; when it has none, the whole namespace with a note saying why. */
const selection = (yaml: string, format: string, workload?: Workload): { yaml: string; note?: string } => {
  if (workload === undefined) return { yaml };
  const key = `${workload.namespace}/${workload.name}`;
  const docs = documentsNaming(yaml, workload.namespace, workload.name);
  if (docs.length === 0)
    return {
      yaml,
      note: `No ${format} document is about ${key} (no learned traffic into or out of it that this format expresses); showing namespace ${workload.namespace}.`,
    };
  return {
    yaml: docs.join('---\n'),
    note: `${docs.length} document(s) for ${key}; namespace-wide defaults (default deny, DNS) are in the full export.`,
  };
};

const exportForm = (api: ApiClient, namespace: () => string, workload?: Workload): HTMLElement => {
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
    const shown = selection(answer.value.yaml, format.value, workload);
    const file = `meshward-${format.value}${ns === '' ? '' : `-${ns}`}${workload === undefined ? '' : `-${workload.name}`}.yaml`;
    replaceChildren(output, [
      ...answer.value.warnings.map((w) => el('p', { class: 'warning' }, [`Warning: ${w}`])),
      shown.note === undefined ? undefined : el('p', { class: 'muted export-note' }, [shown.note]),
      el('button', { type: 'button', class: 'download', onclick: () => download(file, shown.yaml) }, [
        `Download ${file}`,
      ]),
      el('pre', { class: 'yaml', tabindex: '0', 'aria-label': 'exported YAML' }, [
        shown.yaml === '' ? '# nothing to export for this selection' : shown.yaml,
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
    exportForm(api, () => group.namespace, group),
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
