/** The KubeApi contract, run against the fake API server by every adapter (client-node, plain REST). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApi } from '#functions/platform/kube/kube-api.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';

/** `make` builds the adapter for the fake server, with its token or the one given. */
export const kubeApiContract = (name: string, make: (fake: FakeKubeApi, token?: string) => KubeApi): void => {
  let fake: FakeKubeApi;
  let kube: KubeApi;

  const seedPod = (name: string, labels: Record<string, string> = { app: 'web' }) =>
    fake.put('pods', {
      metadata: { name, namespace: 'shop', labels },
      spec: { containers: [{ name: 'app' }] },
    });

  beforeAll(async () => {
    fake = await startFakeKubeApi();
    kube = make(fake);
  });
  afterAll(() => fake.stop());

  describe(`${name} against a fake API server`, () => {
    it('reads a pod over HTTPS with the bearer token, and says undefined for a missing one', async () => {
      seedPod('web-1');
      const pod = await kube.getPod('shop', 'web-1');
      expect(pod?.metadata?.labels).toEqual({ app: 'web' });
      expect(await kube.getPod('shop', 'nope')).toBeUndefined();
      expect(fake.callsTo('GET', '/pods/nope')[0]?.status).toBe(404);
    });

    it('sends each patch kind with its own content type', async () => {
      seedPod('web-2');
      await kube.patchPod('shop', 'web-2', { metadata: { labels: { a: '1' } } }, 'merge');
      await kube.patchPod('shop', 'web-2', { metadata: { labels: { b: '2' } } }, 'strategic');
      await kube.patchPod('shop', 'web-2', [{ op: 'add', path: '/metadata/labels/c', value: '3' }], 'json');
      const types = fake.callsTo('PATCH', '/pods/web-2').map((call) => call.contentType);
      expect(types).toEqual([
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
        'application/json-patch+json',
      ]);
      expect(fake.get('pods', 'shop', 'web-2')?.metadata.labels).toEqual({
        app: 'web',
        a: '1',
        b: '2',
        c: '3',
      });
    });

    it('returns conflict for a stale resourceVersion and not-found for a missing pod', async () => {
      const pod = seedPod('web-3');
      fake.touch('pods', 'shop', 'web-3', (object) => {
        object.metadata.annotations = { other: 'writer' };
      });
      const stale = { metadata: { resourceVersion: pod.metadata.resourceVersion, labels: { x: 'y' } } };
      expect(await kube.patchPod('shop', 'web-3', stale, 'merge')).toBe('conflict');
      expect(fake.get('pods', 'shop', 'web-3')?.metadata.labels).toEqual({ app: 'web' });
      expect(await kube.patchPod('shop', 'gone', { metadata: {} }, 'merge')).toBe('not-found');
    });

    it('creates, finds, and deletes a network policy with 409 and 404 as values', async () => {
      const policy = { metadata: { name: 'deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
      expect(await kube.createNetworkPolicy('shop', policy)).toBe('created');
      expect(await kube.createNetworkPolicy('shop', policy)).toBe('exists');
      expect((await kube.getNetworkPolicy('shop', 'deny'))?.spec?.policyTypes).toEqual(['Ingress']);
      expect(await kube.deleteNetworkPolicy('shop', 'deny')).toBe('deleted');
      expect(await kube.deleteNetworkPolicy('shop', 'deny')).toBe('absent');
      expect(await kube.getNetworkPolicy('shop', 'deny')).toBeUndefined();
    });

    it('lists pods by label selector and creates events', async () => {
      seedPod('q-1', { app: 'web', 'meshward.io/quarantine': 'true' });
      const names = (await kube.listPods('shop', 'meshward.io/quarantine')).map((pod) => pod.metadata?.name);
      expect(names).toEqual(['q-1']);
      await kube.createEvent('shop', {
        metadata: { name: 'q-1.1' },
        involvedObject: { kind: 'Pod', name: 'q-1', namespace: 'shop' },
        reason: 'Test',
        message: 'hello',
      });
      expect(fake.list('events', 'shop/')).toHaveLength(1);
    });

    it('throws an unavailable AppError when the API server refuses the credentials', async () => {
      await expect(make(fake, 'wrong').getPod('shop', 'web-1')).rejects.toMatchObject({
        code: 'unavailable',
      });
    });
  });
};
