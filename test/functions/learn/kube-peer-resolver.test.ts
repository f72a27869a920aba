/** IPs named by the Kubernetes API (a faithful fake server on loopback): pods by status.podIP, Services by cluster IP. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describePeer } from '#functions/learn/describe-peer.ts';
import { createKubePeerResolver } from '#functions/learn/kube-peer-resolver.ts';
import { learnConfigSchema } from '#functions/learn/learn-config.ts';
import { learnBatch } from '#functions/learn/run.ts';
import { createClientNodeIpLookup } from '#functions/platform/kube/kube-ip-lookup.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import { type FakeKubeApi, type KubeObject, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';
import { at, flow, heartbeat, podRef } from '../platform/factories.ts';

let kube: FakeKubeApi;
beforeAll(async () => {
  kube = await startFakeKubeApi();
});
afterAll(async () => {
  await kube.stop();
});

let seq = 0;
const pod = (
  name: string,
  ip: string,
  owner: { kind: string; name: string } | undefined,
  extra: { labels?: Record<string, string>; hostNetwork?: boolean; phase?: string } = {},
): KubeObject => ({
  metadata: {
    name,
    namespace: 'bookinfo',
    uid: `uid-${name}-${++seq}`,
    labels: extra.labels ?? {},
    ...(owner === undefined
      ? {}
      : { ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: 'o', controller: true }] }),
  },
  spec: { hostNetwork: extra.hostNetwork ?? false, containers: [{ name: 'app', image: 'app' }] },
  status: { phase: extra.phase ?? 'Running', podIP: ip },
});

/** A host-network DaemonSet pod: its IP is the node's, never to be named as the pod. */
const nodeExporter = () =>
  pod(
    'node-exporter-x7k2p',
    '10.1.0.250',
    { kind: 'DaemonSet', name: 'node-exporter' },
    { hostNetwork: true },
  );

const service = (name: string, clusterIP: string, selector: Record<string, string>): KubeObject => ({
  metadata: { name, namespace: 'bookinfo' },
  spec: { clusterIP, clusterIPs: [clusterIP], selector },
});

const resolver = (now = () => 0, errors: unknown[] = []) =>
  createKubePeerResolver(createClientNodeIpLookup(kube.kubeConfig()), {
    now,
    ttlMs: 1000,
    missTtlMs: 1000,
    onError: (_ip, error) => errors.push(error),
  });

describe('kube peer resolver', () => {
  beforeEach(() => {
    kube.calls.length = 0;
    kube.serviceClusterIpSelector = true;
  });

  it('names a pod IP by its workload through the owner reference (no pod-template hash), and caches it', async () => {
    kube.put(
      'pods',
      pod(
        'details-v1-6d8bc4d6c5-qwz4t',
        '10.1.0.12',
        { kind: 'ReplicaSet', name: 'details-v1-6d8bc4d6c5' },
        { labels: { app: 'details', 'pod-template-hash': '6d8bc4d6c5' } },
      ),
    );
    const peers = resolver();
    expect(await peers.resolve('10.1.0.12')).toMatchObject({ group: 'bookinfo/details-v1' });
    expect(await peers.resolve('10.1.0.12')).toMatchObject({ group: 'bookinfo/details-v1' });
    expect(kube.callsTo('GET', '/api/v1/pods?fieldSelector=status.podIP%3D10.1.0.12')).toHaveLength(1);
  });

  it('never attributes a host-network pod by IP, and ignores finished pods whose IP may be reused', async () => {
    kube.put('pods', nodeExporter());
    kube.put(
      'pods',
      pod('migrate-42', '10.1.0.77', { kind: 'Job', name: 'migrate' }, { phase: 'Succeeded' }),
    );
    const peers = resolver();
    expect(await peers.resolve('10.1.0.250')).toBeUndefined();
    expect(await peers.resolve('10.1.0.77')).toBeUndefined();
  });

  it('names a Service IP by the one workload it selects, else by its DNS name', async () => {
    kube.put(
      'pods',
      pod(
        'ratings-v1-85c7d8d8b8-bh6vd',
        '10.1.0.16',
        { kind: 'ReplicaSet', name: 'ratings-v1-85c7d8d8b8' },
        { labels: { app: 'ratings', 'pod-template-hash': '85c7d8d8b8' } },
      ),
    );
    for (const [v, hash] of [
      ['v1', '5c5b8c7f4b'],
      ['v2', '7f9c6cd8bd'],
      ['v3', '6b9cc5f87c'],
    ] as const)
      kube.put(
        'pods',
        pod(
          `reviews-${v}-${hash}-zt7xq`,
          `10.1.1.${v.slice(1)}`,
          { kind: 'ReplicaSet', name: `reviews-${v}-${hash}` },
          { labels: { app: 'reviews', 'pod-template-hash': hash } },
        ),
      );
    kube.put('services', service('ratings', '10.96.0.16', { app: 'ratings' }));
    kube.put('services', service('reviews', '10.96.0.13', { app: 'reviews' }));
    const peers = resolver();
    expect(await peers.resolve('10.96.0.16')).toEqual({ group: 'bookinfo/ratings-v1' });
    expect(await peers.resolve('10.96.0.13')).toEqual({ fqdn: 'reviews.bookinfo.svc.cluster.local' });
  });

  it('falls back to listing Services on an API server without the spec.clusterIP field selector', async () => {
    kube.serviceClusterIpSelector = false;
    kube.put('services', service('productpage', '10.96.0.11', { app: 'productpage' }));
    expect(await resolver().resolve('10.96.0.11')).toEqual({
      fqdn: 'productpage.bookinfo.svc.cluster.local',
    });
    expect(kube.callsTo('GET', '/api/v1/services').map((c) => c.status)).toEqual([400, 200]);
  });

  it('expires answers and misses, so a reused IP is looked up again', async () => {
    let now = 0;
    const peers = resolver(() => now);
    expect(await peers.resolve('10.1.0.99')).toBeUndefined();
    kube.put(
      'pods',
      pod(
        'cart-5c6d7f8b9c-fghjk',
        '10.1.0.99',
        { kind: 'ReplicaSet', name: 'cart-5c6d7f8b9c' },
        { labels: { 'pod-template-hash': '5c6d7f8b9c' } },
      ),
    );
    expect(await peers.resolve('10.1.0.99')).toBeUndefined();
    now = 1001;
    expect(await peers.resolve('10.1.0.99')).toMatchObject({ group: 'bookinfo/cart' });
  });

  it('treats a failing API as unknown, says so, and does not ask again before the miss expires', async () => {
    const errors: unknown[] = [];
    const kc = kube.kubeConfig();
    kc.users[0] = { name: 'meshward', token: 'wrong' };
    const peers = createKubePeerResolver(createClientNodeIpLookup(kc), {
      now: () => 0,
      onError: (_ip, e) => errors.push(e),
    });
    expect(await peers.resolve('10.1.0.12')).toBeUndefined();
    expect(await peers.resolve('10.1.0.12')).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/Kubernetes API: list pods by IP failed \(401\)/);
  });

  it('lets learn name the peer of a flow that no heartbeat claims (and host-network stays an address)', async () => {
    kube.put(
      'pods',
      pod(
        'details-v1-6d8bc4d6c5-qwz4t',
        '10.1.0.12',
        { kind: 'ReplicaSet', name: 'details-v1-6d8bc4d6c5' },
        { labels: { 'pod-template-hash': '6d8bc4d6c5' } },
      ),
    );
    kube.put('pods', nodeExporter());
    const store = openSqliteStore(':memory:');
    const deps = { store, config: learnConfigSchema.parse({}), kubePeers: resolver() };
    const frontend = podRef('frontend-7d9c5b6f4d-abcde', 'bookinfo');
    const findings = [
      heartbeat({ ips: ['10.0.0.1'] }),
      flow({ server: { ip: '10.1.0.12', port: 9080 } }),
      flow({ server: { ip: '10.1.0.250', port: 9100 } }),
    ];
    await learnBatch({ batchId: randomUUID(), pod: frontend, receivedAt: at(5), findings }, deps);
    const peers = (await store.listRules()).map((rule) => `${describePeer(rule.to)}:${rule.port}`).sort();
    expect(peers).toEqual(['10.1.0.250/32:9100', 'bookinfo/details-v1:9080']);
  });
});
