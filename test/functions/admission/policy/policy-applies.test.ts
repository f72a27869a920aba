/** Policy matching: readable kinds, match and exclude by kind, namespace pattern, namespace and object selectors. */
import { describe, expect, it } from 'vitest';
import { parsePolicyDocuments } from '#functions/admission/policy/parse-policy-documents.ts';
import { policyApplies } from '#functions/admission/policy/policy-applies.ts';
import type { PolicyTarget } from '#functions/admission/policy/policy-target.ts';

const policy = (filters: string, rule = '  check: {id: privileged}') => {
  const text = `apiVersion: meshward.io/v1\nkind: AdmissionPolicy\nmetadata: {name: p}\nspec:\n  title: t\n  description: d\n  severity: low\n  category: c\n  action: audit\n${rule}\n${filters}`;
  const [loaded] = parsePolicyDocuments(text, 'p.yaml').policies;
  if (loaded === undefined) throw new Error('policy did not load');
  return loaded;
};
const target = (extra: Partial<PolicyTarget> = {}): PolicyTarget => ({
  kind: 'Deployment',
  name: 'web',
  namespace: 'team-a',
  labels: { tier: 'frontend' },
  owners: [],
  ...extra,
});

describe('policyApplies', () => {
  it('applies pod checks to every kind with a pod template, object checks to their kinds', () => {
    const pods = policy('');
    for (const kind of ['Pod', 'Deployment', 'CronJob', 'ReplicationController'])
      expect(policyApplies(pods, target({ kind }))).toBe(true);
    expect(policyApplies(pods, target({ kind: 'Service' }))).toBe(false);
    const services = policy('', '  check: {id: serviceType}');
    expect(policyApplies(services, target({ kind: 'Service' }))).toBe(true);
    expect(policyApplies(services, target())).toBe(false);
  });

  it('matches namespaces by name pattern and selector, objects by label selector', () => {
    const p = policy(
      '  match:\n    namespaces: ["team-*"]\n    namespaceSelector: {matchLabels: {env: prod}}\n    selector: {matchExpressions: [{key: tier, operator: In, values: [frontend]}]}',
    );
    expect(policyApplies(p, target({ namespaceLabels: { env: 'prod' } }))).toBe(true);
    expect(policyApplies(p, target({ namespaceLabels: { env: 'dev' } }))).toBe(false);
    expect(policyApplies(p, target({ namespace: 'ops', namespaceLabels: { env: 'prod' } }))).toBe(false);
    expect(policyApplies(p, target({ labels: { tier: 'db' }, namespaceLabels: { env: 'prod' } }))).toBe(
      false,
    );
  });

  it('excludes only when every exclude criterion holds', () => {
    const p = policy('  exclude:\n    kinds: [DaemonSet]\n    namespaces: [kube-system]');
    expect(policyApplies(p, target({ kind: 'DaemonSet', namespace: 'kube-system' }))).toBe(false);
    expect(policyApplies(p, target({ kind: 'DaemonSet', namespace: 'team-a' }))).toBe(true);
    expect(policyApplies(p, target({ kind: 'Deployment', namespace: 'kube-system' }))).toBe(true);
  });

  it('needs a pod template for pod-scoped CEL', () => {
    const p = policy('', '  cel: {scope: pod, expression: "true", message: m}');
    expect(policyApplies(p, target({ kind: 'Job' }))).toBe(true);
    expect(policyApplies(p, target({ kind: 'ConfigMap' }))).toBe(false);
  });
});
