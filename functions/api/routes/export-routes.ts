/** Rule export through the API: the learned rules as enforceable policy in one of four dialects. */

import type { ExportWorkload } from '#functions/export/export-input.ts';
import { exporters } from '#functions/export/index.ts';
import { renderYaml } from '#functions/export/render-yaml.ts';
import type { GroupRecord, PodRecord } from '#functions/platform/store/store.ts';
import { type ApiRoute, fail, ok } from '../api-route.ts';

/** Labels that identify a version or a pod, not the workload: never part of a selector. */
const unstableLabels = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'version',
]);

const selectorOf = (group: GroupRecord): Record<string, string> => {
  const labels = Object.fromEntries(
    Object.entries(group.labels ?? {}).filter(([key]) => !unstableLabels.has(key)),
  );
  if (labels.app !== undefined) return { app: labels.app };
  if (labels['app.kubernetes.io/name'] !== undefined)
    return { 'app.kubernetes.io/name': labels['app.kubernetes.io/name'] };
  return Object.keys(labels).length > 0 ? labels : { app: group.name };
};

export const exportWorkloads = (
  groups: readonly GroupRecord[],
  pods: readonly PodRecord[],
): ExportWorkload[] =>
  groups.map((group) => {
    const account = pods.find((pod) => pod.group === group.key && pod.workload.serviceAccount !== undefined)
      ?.workload.serviceAccount;
    return {
      namespace: group.namespace,
      name: group.name,
      selector: selectorOf(group),
      ...(account === undefined ? {} : { serviceAccount: account }),
    };
  });

export const exportRoutes: ApiRoute[] = [
  {
    route: 'GET /api/export',
    role: 'viewer',
    run: async ({ query }, { store, now }) => {
      const exporter = exporters.find((candidate) => candidate.id === query.format);
      if (exporter === undefined) {
        return fail(
          400,
          'bad-request',
          `format must be one of ${exporters.map((e) => e.id).join(', ')}; got '${query.format ?? ''}'`,
        );
      }
      const [rules, groups, pods] = await Promise.all([
        store.listRules(),
        store.listGroups(),
        store.listPods(),
      ]);
      const result = exporter.export({
        rules,
        workloads: exportWorkloads(groups, pods),
        ...(query.namespace === undefined ? {} : { namespace: query.namespace }),
      });
      const header = [`${exporter.title}, exported by meshward at ${now().toISOString()}`];
      return ok({ format: exporter.id, warnings: result.warnings, yaml: renderYaml(result, header) });
    },
  },
];
