/** The validating webhook end to end in-process: deny, warn, audit, dryRun, UPDATE, exceptions, failure stance. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.ts';
import { admissionFindingSchema } from '#core/finding.ts';
import { validateReview } from '#functions/admission/validate/run.ts';
import { container, deployment, policySet, policyYaml, review } from './review-factory.ts';

const config = parseConfig({});
const now = new Date('2026-06-01T12:00:00Z');

const privileged = policyYaml('no-privileged', 'enforce', '  check: {id: privileged}');
const latest = policyYaml('no-latest', 'warn', '  check: {id: imageTag}');
const readOnly = policyYaml('read-only-root', 'audit', '  check: {id: readOnlyRootFilesystem}');
const set = policySet(privileged + latest + readOnly);
const deps = { policies: set, now, config };

const bad = deployment([
  container('app', { securityContext: { privileged: true, readOnlyRootFilesystem: true } }),
  container('sidecar', {
    image: 'nginx:latest',
    securityContext: { privileged: true, readOnlyRootFilesystem: true },
  }),
]);

describe('validateReview', () => {
  it('denies listing every enforced violation with policy, check, path, value, allowed values and fix', () => {
    const { response } = validateReview(review(bad), deps);
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(403);
    const message = response.status?.message ?? '';
    expect(message).toContain('2 violations');
    expect(message).toContain(
      '[no-privileged/privileged] spec.template.spec.containers[0].securityContext.privileged: container "app"',
    );
    expect(message).toContain(
      'spec.template.spec.containers[1].securityContext.privileged: container "sidecar"',
    );
    expect(message).toContain('value true; allowed: false or unset; fix: remove securityContext.privileged');
  });

  it('reports the CronJob path to its pod template', () => {
    const cronJob = {
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: {
                containers: [container('a'), container('b', { securityContext: { privileged: true } })],
              },
            },
          },
        },
      },
    };
    const { response } = validateReview(review(cronJob), deps);
    expect(response.status?.message).toContain(
      'spec.jobTemplate.spec.template.spec.containers[1].securityContext.privileged',
    );
  });

  it('turns warn violations into one warning each, none longer than 120 characters', () => {
    const long = deployment([
      container('a-very-long-container-name-that-goes-on-and-on', {
        image: 'registry.example.com:5000/some/deeply/nested/repository/name',
      }),
    ]);
    const { response } = validateReview(review(long), deps);
    expect(response.allowed).toBe(true);
    expect(response.warnings).toHaveLength(1);
    for (const warning of response.warnings ?? []) expect(warning.length).toBeLessThanOrEqual(120);
    expect(response.warnings?.[0]).toMatch(/^no-latest: /);
  });

  it('records audit violations as AdmissionFindings and auditAnnotations', () => {
    const writable = deployment([container('app', { securityContext: { readOnlyRootFilesystem: false } })]);
    const { response, audit } = validateReview(review(writable), deps);
    expect(response.allowed).toBe(true);
    expect(audit).toHaveLength(1);
    expect(admissionFindingSchema.parse(audit[0])).toMatchObject({
      policy: 'read-only-root',
      check: 'readOnlyRootFilesystem',
      action: 'audit',
      resource: { kind: 'Deployment', namespace: 'shop', name: 'web' },
      path: 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
      at: now.toISOString(),
    });
    expect(response.auditAnnotations).toEqual({
      'read-only-root': 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem=false',
    });
  });

  it('records nothing on a dry run, but still answers the same', () => {
    const writable = deployment([container('app')]);
    const { response, audit } = validateReview(review(writable, { dryRun: true }), deps);
    expect(audit).toEqual([]);
    expect(response.auditAnnotations).toBeUndefined();
    expect(validateReview(review(bad, { dryRun: true }), deps).response.allowed).toBe(false);
  });

  it('allows an UPDATE that changes nothing security-relevant, and judges one that does', () => {
    const scaled = structuredClone(bad);
    (scaled.spec as { replicas: number }).replicas = 5;
    (scaled.metadata as Record<string, unknown>).annotations = { 'deployment.kubernetes.io/revision': '4' };
    const update = validateReview(review(scaled, { operation: 'UPDATE', oldObject: bad }), deps);
    expect(update.response).toEqual({ uid: 'uid-1', allowed: true });
    const fixedOld = deployment([container('app', { securityContext: { readOnlyRootFilesystem: true } })]);
    const worse = validateReview(review(bad, { operation: 'UPDATE', oldObject: fixedOld }), deps);
    expect(worse.response.allowed).toBe(false);
  });

  it('allows kinds no policy covers, and DELETE', () => {
    const configMap = { kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    expect(validateReview(review(configMap), deps).response).toEqual({ uid: 'uid-1', allowed: true });
    expect(validateReview(review(null, { operation: 'DELETE' }), deps).response.allowed).toBe(true);
  });

  it('rejects a CREATE without an object as a bad request', () => {
    expect(() => validateReview(review(null), deps)).toThrow(/request.object is required/);
  });

  it('follows the failure stance when evaluation breaks: fail-open warns, fail-closed denies', () => {
    const [policy] = policySet(privileged).policies;
    if (policy?.rule.type !== 'check') throw new Error('expected a check policy');
    const throwing = {
      ...policy.rule.check,
      evaluate: () => {
        throw new Error('boom');
      },
    } as typeof policy.rule.check;
    const brokenSet = {
      policies: [{ ...policy, rule: { ...policy.rule, check: throwing } }],
      exceptions: [],
      problems: [],
    };
    const open = validateReview(review(bad), { ...deps, policies: brokenSet });
    expect(open.response.allowed).toBe(true);
    expect(open.response.warnings?.[0]).toContain('fail-open');
    const closed = validateReview(review(bad), {
      ...deps,
      policies: brokenSet,
      config: parseConfig({ failurePolicy: 'fail-closed' }),
    });
    expect(closed.response.allowed).toBe(false);
    expect(closed.response.status?.code).toBe(500);
  });
});

describe('PolicyException', () => {
  const exception = (expires: string) => `---
apiVersion: meshward.io/v1
kind: PolicyException
metadata: {name: legacy-web}
spec:
  policies: [no-privileged]
  workloads: [{kind: Deployment, namespace: shop, name: web}]
  reason: vendor agent needs privileged until the 2.0 upgrade
  owner: platform@example.com
${expires}`;

  it('exempts the named workload until it expires, then denies and says the exception expired', () => {
    const set = policySet(privileged + exception('  expires: "2026-07-01T00:00:00Z"'));
    const before = validateReview(review(bad), { ...deps, policies: set });
    expect(before.response.allowed).toBe(true);
    const after = validateReview(review(bad), {
      ...deps,
      policies: set,
      now: new Date('2026-07-01T00:00:01Z'),
    });
    expect(after.response.allowed).toBe(false);
    expect(after.response.status?.message).toContain(
      'PolicyException legacy-web expired at 2026-07-01T00:00:00.000Z',
    );
  });

  it('covers Pods of the workload through their ReplicaSet owner, and no other workload', () => {
    const set = policySet(privileged + exception(''));
    const pod = {
      kind: 'Pod',
      metadata: {
        name: 'web-5d8f7c9b4-abcde',
        labels: { 'pod-template-hash': '5d8f7c9b4' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d8f7c9b4' }],
      },
      spec: { containers: [container('app', { securityContext: { privileged: true } })] },
    };
    expect(validateReview(review(pod), { ...deps, policies: set }).response.allowed).toBe(true);
    const other = structuredClone(bad);
    (other.metadata as { name: string }).name = 'api';
    expect(validateReview(review(other), { ...deps, policies: set }).response.allowed).toBe(false);
  });
});
