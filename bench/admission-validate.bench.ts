/** Validating-webhook latency in-process: a real Deployment (Online Boutique's frontend) against the whole default set. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { admissionReviewSchema, reviewResponse } from '#core/admission-review.ts';
import { parseConfig } from '#core/config.ts';
import { defaultPolicyDirectory } from '#functions/admission/policy/default-policy-paths.ts';
import { loadPolicySetOrThrow } from '#functions/admission/policy/load-policy-set.ts';
import { validateReview } from '#functions/admission/validate/run.ts';
import { timeSync } from './latency.ts';

const manifests = join(
  import.meta.dirname,
  '..',
  'test',
  'fixtures',
  'admission',
  'real',
  'online-boutique.yaml',
);

/** The AdmissionReview body the API server would send for `kubectl apply` of the frontend Deployment. */
const reviewBody = (): string => {
  const frontend = parseAllDocuments(readFileSync(manifests, 'utf8'))
    .map((document) => document.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .find((object) => object?.kind === 'Deployment' && object.metadata?.name === 'frontend');
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '7f0b2ac1-bench',
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'bench' },
      object: frontend,
    },
  });
};

export type ValidateBenchResult = { p50Ms: number; p99Ms: number; perSecond: number; policies: number };

/** Parses the body, evaluates every default policy and serialises the response, as the handler does. */
export const runValidateBench = async (iterations = 5000): Promise<ValidateBenchResult> => {
  const policies = loadPolicySetOrThrow([defaultPolicyDirectory]);
  const config = parseConfig({});
  const body = reviewBody();
  const summary = timeSync(() => {
    const review = admissionReviewSchema.parse(JSON.parse(body));
    const { response } = validateReview(review, { policies, now: new Date(), config });
    return JSON.stringify(reviewResponse(response));
  }, iterations);
  return {
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    perSecond: summary.perSecond,
    policies: policies.policies.length,
  };
};
