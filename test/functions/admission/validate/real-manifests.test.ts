/** Online Boutique and Istio's Bookinfo, unchanged, against the default policy set: the verdicts people would expect. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '#core/config.ts';
import type { KubeObject } from '#functions/admission/checks/fields.ts';
import { defaultPolicyDirectory } from '#functions/admission/policy/default-policy-paths.ts';
import { loadPolicySet } from '#functions/admission/policy/load-policy-set.ts';
import { evaluateObject } from '#functions/admission/validate/evaluate-object.ts';
import { validateReview } from '#functions/admission/validate/run.ts';
import { review } from './review-factory.ts';

const set = loadPolicySet([defaultPolicyDirectory]);
const now = new Date('2026-06-01T00:00:00Z');
const objects = (name: string): KubeObject[] =>
  parseAllDocuments(
    readFileSync(new URL(`../../../fixtures/admission/real/${name}.yaml`, import.meta.url), 'utf8'),
  )
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);

const failing = (object: KubeObject, prefix = '') =>
  evaluateObject(object, set, { now })
    .filter((verdict) => verdict.result === 'fail' && verdict.policy.name.startsWith(prefix))
    .map((verdict) => verdict.policy.name)
    .sort();

const deployments = (list: KubeObject[]) => list.filter((object) => object.kind === 'Deployment');
const deps = { policies: set, now, config: parseConfig({}) };

describe('Online Boutique (GoogleCloudPlatform/microservices-demo)', () => {
  const list = objects('online-boutique');

  it('is admitted: nothing in it breaks an enforced policy', () => {
    expect(deployments(list)).toHaveLength(12);
    for (const object of list) expect(validateReview(review(object), deps).response.allowed).toBe(true);
  });

  it('meets every Pod Security check but one: it never sets a seccomp profile, which restricted requires', () => {
    // Each pod runs as UID 1000 with runAsNonRoot, drops ALL capabilities and forbids privilege escalation,
    // but leaves seccompProfile unset, so PSA restricted rejects it (baseline does not require a profile).
    for (const object of deployments(list))
      expect(failing(object, 'psa-')).toEqual(['psa-seccomp-profile-restricted']);
  });

  it('warns about the LoadBalancer Service that exposes the frontend', () => {
    const external = list.find(
      (object) => (object.metadata as { name: string }).name === 'frontend-external',
    );
    const { response } = validateReview(review(external ?? {}), deps);
    expect(response.warnings).toEqual([
      'restrict-service-types: Service type LoadBalancer exposes the workload outside the cluster network at spec.type',
    ]);
  });

  it('audits the load generator for missing probes and its init container for missing resources', () => {
    const loadgenerator = deployments(list).find(
      (object) => (object.metadata as { name: string }).name === 'loadgenerator',
    );
    const verdicts = evaluateObject(loadgenerator ?? {}, set, { now });
    const resources = verdicts.find((verdict) => verdict.policy.name === 'require-resources');
    // The busybox init container that waits for the frontend declares no resources at all.
    expect(resources?.issues.map((issue) => issue.path)).toEqual([
      'spec.template.spec.initContainers[0].resources.requests.cpu',
      'spec.template.spec.initContainers[0].resources.requests.memory',
      'spec.template.spec.initContainers[0].resources.limits.memory',
    ]);
    expect(verdicts.find((verdict) => verdict.policy.name === 'require-probes')?.result).toBe('fail');
  });
});

describe('Bookinfo (istio/istio samples)', () => {
  const list = objects('bookinfo');

  it('is admitted: it meets the baseline level that is enforced', () => {
    expect(deployments(list)).toHaveLength(6);
    for (const object of list) expect(validateReview(review(object), deps).response.allowed).toBe(true);
  });

  it('fails the restricted level on exactly the fields it leaves unset', () => {
    // No securityContext at all: escalation allowed, capabilities kept, may run as root, no seccomp profile.
    // Its volumes are emptyDirs (allowed) and it never sets runAsUser=0 (allowed).
    for (const object of deployments(list)) {
      expect(failing(object, 'psa-')).toEqual([
        'psa-allow-privilege-escalation',
        'psa-capabilities-restricted',
        'psa-run-as-non-root',
        'psa-seccomp-profile-restricted',
      ]);
    }
  });

  it('audits images pulled from registry.istio.io, which is not on the default allow-list', () => {
    for (const object of deployments(list))
      expect(failing(object, 'allowed-registries')).toEqual(['allowed-registries']);
  });
});
