/** Factories for the validating-webhook tests: AdmissionReviews, Deployments and in-memory policy sets. */
import type { AdmissionReview } from '#core/admission-review.ts';
import type { KubeObject } from '#functions/admission/checks/fields.ts';
import type { LoadedPolicySet } from '#functions/admission/policy/loaded-policy.ts';
import { parsePolicyDocuments } from '#functions/admission/policy/parse-policy-documents.ts';

export const review = (
  object: KubeObject | null,
  options: Partial<AdmissionReview['request']> = {},
): AdmissionReview => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'uid-1',
    kind: { group: 'apps', version: 'v1', kind: String(object?.kind ?? 'Deployment') },
    resource: { group: 'apps', version: 'v1', resource: 'deployments' },
    namespace: 'shop',
    operation: 'CREATE',
    object,
    ...options,
  },
});

export const container = (name: string, extra: KubeObject = {}): KubeObject => ({
  name,
  image: 'ghcr.io/example/app:1.0.0',
  ...extra,
});

export const deployment = (containers: KubeObject[], extra: KubeObject = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...extra } } },
});

/** A policy set from YAML text, failing the test on any problem. */
export const policySet = (text: string): LoadedPolicySet => {
  const parsed = parsePolicyDocuments(text, 'test.yaml');
  if (parsed.problems.length > 0) throw new Error(JSON.stringify(parsed.problems));
  return parsed;
};

export const policyYaml = (name: string, action: string, rule: string): string => `---
apiVersion: meshward.io/v1
kind: AdmissionPolicy
metadata: {name: ${name}}
spec:
  title: ${name}
  description: test policy ${name}
  severity: high
  category: test
  action: ${action}
${rule}
`;
