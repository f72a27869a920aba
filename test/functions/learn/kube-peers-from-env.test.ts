/** Kubernetes lookups are wired only where a cluster is configured, and then name IPs through the API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubePeersFromEnv } from '#functions/learn/kube-peers-from-env.ts';
import { localRuntimeOptionsFromEnv } from '#functions/platform/runtime.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';

let kube: FakeKubeApi;
let kubeconfig: string;
beforeAll(async () => {
  kube = await startFakeKubeApi();
  kubeconfig = kube.kubeConfigFile();
  kube.put('pods', {
    metadata: {
      name: 'redis-0',
      namespace: 'bookinfo',
      labels: { app: 'redis' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'redis', uid: 'u', controller: true },
      ],
    },
    spec: { containers: [] },
    status: { phase: 'Running', podIP: '10.1.0.17' },
  });
});
afterAll(async () => {
  await kube.stop();
});

describe('kubePeersFromEnv', () => {
  it('is off without a configured cluster, and when turned off', () => {
    expect(kubePeersFromEnv({})).toBeUndefined();
    expect(
      kubePeersFromEnv({ MESHWARD_KUBECONFIG: kubeconfig, MESHWARD_KUBE_LOOKUP: 'off' }),
    ).toBeUndefined();
  });

  it('looks IPs up through the configured cluster (MESHWARD_KUBECONFIG), grouping by label when asked', async () => {
    expect(await kubePeersFromEnv({ MESHWARD_KUBECONFIG: kubeconfig })?.resolve('10.1.0.17')).toMatchObject({
      group: 'bookinfo/redis',
    });
    const byApp = kubePeersFromEnv({ MESHWARD_KUBECONFIG: kubeconfig }, { groupByLabel: 'app' });
    expect(await byApp?.resolve('10.1.0.17')).toMatchObject({ group: 'bookinfo/redis' });
  });

  it('is what the local runtime is built with from the environment', () => {
    const options = localRuntimeOptionsFromEnv({
      MESHWARD_DATA_DIR: '/tmp/x',
      MESHWARD_KUBECONFIG: kubeconfig,
    });
    expect(options.kubePeers).toBeDefined();
    expect(localRuntimeOptionsFromEnv({ MESHWARD_DATA_DIR: '/tmp/x' }).kubePeers).toBeUndefined();
  });

  it('names a bad kubeconfig clearly', () => {
    expect(() => kubePeersFromEnv({ MESHWARD_KUBECONFIG: '/nonexistent/kubeconfig' })).toThrow(
      /cannot (load|read) the (Kubernetes configuration|kubeconfig)/,
    );
  });
});
