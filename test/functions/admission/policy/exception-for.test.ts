/** Exceptions name workloads: the object itself, or what it creates through owner references; expiry is kept. */
import { describe, expect, it } from 'vitest';
import { exceptionFor } from '#functions/admission/policy/exception-for.ts';
import { parsePolicyDocuments } from '#functions/admission/policy/parse-policy-documents.ts';
import type { PolicyTarget } from '#functions/admission/policy/policy-target.ts';

const { policies, exceptions } = parsePolicyDocuments(
  `apiVersion: meshward.io/v1
kind: AdmissionPolicy
metadata: {name: no-privileged}
spec: {title: t, description: d, severity: high, category: c, action: enforce, check: {id: privileged}}
---
apiVersion: meshward.io/v1
kind: PolicyException
metadata: {name: old}
spec: {checks: [privileged], workloads: [{kind: DaemonSet, namespace: "mon*", name: node-exporter}], reason: r, owner: o, expires: "2026-01-01T00:00:00Z"}
---
apiVersion: meshward.io/v1
kind: PolicyException
metadata: {name: new}
spec: {policies: ["no-*"], workloads: [{kind: DaemonSet, namespace: monitoring, name: node-exporter}], reason: r, owner: o}
`,
  'e.yaml',
);
const [policy] = policies;
const target = (extra: Partial<PolicyTarget>): PolicyTarget => ({
  kind: 'DaemonSet',
  name: 'node-exporter',
  namespace: 'monitoring',
  labels: {},
  owners: [],
  ...extra,
});
const find = (t: PolicyTarget, now = '2027-01-01T00:00:00Z') => {
  if (policy === undefined) throw new Error('no policy');
  return exceptionFor(exceptions, policy, t, new Date(now));
};

describe('exceptionFor', () => {
  it('prefers a live exception over an expired one', () => {
    expect(find(target({}))).toMatchObject({
      exception: { name: 'new' },
      expired: false,
    });
  });

  it('reports an expired exception when it is the only one', () => {
    expect(find(target({ namespace: 'monitoring-2' }), '2027-01-01T00:00:00Z')).toMatchObject({
      exception: { name: 'old' },
      expired: true,
    });
    expect(find(target({ namespace: 'monitoring-2' }), '2025-06-01T00:00:00Z')).toMatchObject({
      exception: { name: 'old' },
      expired: false,
    });
  });

  it('covers the pods a workload creates, but not another kind with the same name', () => {
    expect(
      find(target({ kind: 'Pod', name: 'node-exporter-x7k2p', owners: ['node-exporter'] }))?.exception.name,
    ).toBe('new');
    expect(find(target({ kind: 'Deployment' }))).toBeUndefined();
    expect(find(target({ kind: 'Pod', name: 'node-exporter', owners: [] }))).toBeUndefined();
    expect(find(target({ namespace: 'default' }))).toBeUndefined();
  });
});
