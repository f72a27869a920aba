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

describe('securityRelevantChange for live Pods', () => {
  const pod: KubeObject = {
    kind: 'Pod',
    metadata: { name: 'p', labels: { app: 'web' }, annotations: { note: 'a' } },
    spec: { containers: [container('app', { securityContext: { privileged: true } })] },
  };

  it('ignores relabelling and ordinary annotations, as PSA does, so old pods can still be managed', () => {
    expect(
      changed((o) => {
        (o.metadata as { labels: Record<string, string> }).labels.canary = 'true';
        (o.metadata as { annotations: Record<string, string> }).annotations.note = 'b';
      }, pod),
    ).toBe(false);
  });

  it('sees image changes, seccomp/AppArmor annotations and added ephemeral containers', () => {
    const containers = (o: KubeObject) => (o.spec as { containers: KubeObject[] }).containers;
    expect(
      changed((o) => {
        Object.assign(containers(o)[0] ?? {}, { image: 'ghcr.io/example/app:2.0.0' });
      }, pod),
    ).toBe(true);
    expect(
      changed((o) => {
        (o.metadata as { annotations: Record<string, string> }).annotations[
          'container.apparmor.security.beta.kubernetes.io/app'
        ] = 'unconfined';
      }, pod),
    ).toBe(true);
    expect(
      changed((o) => {
        (o.spec as KubeObject).ephemeralContainers = [{ name: 'debug', image: 'busybox' }];
      }, pod),
    ).toBe(true);
  });
});
