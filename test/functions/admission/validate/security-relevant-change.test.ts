/** UPDATE semantics: what counts as a security-relevant change. */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '#functions/admission/checks/fields.ts';
import { securityRelevantChange } from '#functions/admission/validate/security-relevant-change.ts';
import { container, deployment } from './review-factory.ts';

const changed = (mutate: (object: KubeObject) => void, base = deployment([container('app')])) => {
  const next = structuredClone(base);
  mutate(next);
  return securityRelevantChange(next, base);
};
const spec = (object: KubeObject) =>
  object.spec as { replicas: number; template: { spec: { containers: KubeObject[] } } };

describe('securityRelevantChange', () => {
  it('ignores scaling, status and server-managed metadata, even with keys reordered', () => {
    expect(
      changed((o) => {
        spec(o).replicas = 10;
      }),
    ).toBe(false);
    expect(
      changed((o) => {
        o.status = { readyReplicas: 3 };
      }),
    ).toBe(false);
    expect(
      changed(
        (o) =>
          void Object.assign(o.metadata as object, {
            resourceVersion: '9',
            generation: 4,
            managedFields: [],
          }),
      ),
    ).toBe(false);
    const reordered = deployment([{ image: 'ghcr.io/example/app:1.0.0', name: 'app' }]);
    expect(securityRelevantChange(reordered, deployment([container('app')]))).toBe(false);
  });

  it('sees changes to the pod template and to the object labels', () => {
    const privileged = container('app', { securityContext: { privileged: true } });
    expect(
      changed((o) => {
        spec(o).template.spec.containers[0] = privileged;
      }),
    ).toBe(true);
    expect(
      changed((o) => {
        spec(o).template.spec.containers[0] = container('app', { image: 'nginx' });
      }),
    ).toBe(true);
    expect(
      changed((o) => {
        (o.metadata as { labels: Record<string, string> }).labels.team = 'x';
      }),
    ).toBe(true);
  });

  it('compares whole objects of kinds without a pod template, except status', () => {
    const service: KubeObject = {
      kind: 'Service',
      metadata: { name: 's', resourceVersion: '1' },
      spec: { type: 'ClusterIP' },
    };
    expect(
      changed((o) => {
        o.status = { loadBalancer: {} };
      }, service),
    ).toBe(false);
    expect(
      changed((o) => {
        (o.spec as { type: string }).type = 'NodePort';
      }, service),
    ).toBe(true);
  });

  it('treats a missing old object as a change', () => {
    expect(securityRelevantChange(deployment([]), undefined)).toBe(true);
  });
});
