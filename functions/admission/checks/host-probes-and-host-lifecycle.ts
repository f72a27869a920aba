/** PSA baseline `hostProbesAndHostLifecycle` (v1.34+): probes and lifecycle hooks must not target another host. */
import type { CheckIssue } from './check.ts';
import { type ContainerRef, containersOf, named } from './containers.ts';
import { asObject, asString } from './fields.ts';
import type { PodView } from './pod-view.ts';
import { psaCheck } from './psa-check.ts';

const handlers = (ref: ContainerRef): [string, unknown][] => {
  const lifecycle = asObject(ref.container.lifecycle);
  return [
    ['livenessProbe', ref.container.livenessProbe],
    ['readinessProbe', ref.container.readinessProbe],
    ['startupProbe', ref.container.startupProbe],
    ['lifecycle.postStart', lifecycle.postStart],
    ['lifecycle.preStop', lifecycle.preStop],
  ];
};

const hostIssues = (ref: ContainerRef, where: string, handler: unknown): CheckIssue[] =>
  (['httpGet', 'tcpSocket'] as const).flatMap((action) => {
    const host = asString(asObject(asObject(handler)[action]).host) ?? '';
    if (host === '') return [];
    return [
      {
        code: 'probe-host',
        path: `${ref.path}.${where}.${action}.host`,
        message: `${named(ref)} must not set ${where}.${action}.host to ${JSON.stringify(host)}`,
        value: JSON.stringify(host),
        allowed: 'unset (the pod IP)',
        fix: `remove ${where}.${action}.host so the kubelet targets the pod itself`,
      },
    ];
  });

const hostProbes1_34 = (view: PodView): CheckIssue[] =>
  containersOf(view).flatMap((ref) =>
    handlers(ref).flatMap(([where, handler]) => hostIssues(ref, where, handler)),
  );

export const hostProbesAndHostLifecycle = psaCheck({
  id: 'hostProbesAndHostLifecycle',
  summary: 'Probes and lifecycle handlers must not reach other hosts through the kubelet',
  level: 'baseline',
  versions: [[34, hostProbes1_34]],
});
