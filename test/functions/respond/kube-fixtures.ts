/** Pods as a cluster has them (owner references like the controllers set), and state snapshots for before/after checks. */
import type { FakeKubeApi, KubeObject } from '#test/helpers/fake-kube-api.ts';

export const ownedPod = (
  name: string,
  owner: { kind: string; name: string } | undefined,
  namespace = 'shop',
) => ({
  metadata: {
    name,
    namespace,
    labels: { app: 'web', 'pod-template-hash': '7d9c5b6f4d', tier: 'front' },
    annotations: {
      'kubectl.kubernetes.io/restartedAt': '2026-11-20T10:00:00Z',
      'meshward.io/status': 'injected',
    } as Record<string, string>,
    ...(owner === undefined
      ? {}
      : {
          ownerReferences: [
            {
              apiVersion: owner.kind === 'Job' ? 'batch/v1' : 'apps/v1',
              kind: owner.kind,
              name: owner.name,
              uid: `uid-${owner.name}`,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        }),
  },
  spec: { containers: [{ name: 'app', image: 'registry.example/web:1.2.3' }] },
  status: { phase: 'Running', podIP: '10.0.0.7' },
});

const strip = (object: KubeObject): KubeObject => {
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  return { ...object, metadata: metadata as KubeObject['metadata'] };
};

/** Pods and network policies of a namespace, without resourceVersion (every write moves it on). */
export const snapshot = (fake: FakeKubeApi, namespace = 'shop') => ({
  pods: fake.list('pods', `${namespace}/`).map(strip),
  networkpolicies: fake.list('networkpolicies', `${namespace}/`).map(strip),
});
