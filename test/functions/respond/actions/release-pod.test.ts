import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientNodeKubeApi } from '#functions/platform/kube/client-node-kube-api.ts';
import { quarantinePod } from '#functions/respond/actions/quarantine-pod.ts';
import { releasePod } from '#functions/respond/actions/release-pod.ts';
import { runAction } from '#functions/respond/run-action.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';
import { ownedPod, snapshot } from '../kube-fixtures.ts';
import { respondDeps } from '../respond-deps.ts';

let fake: FakeKubeApi;
beforeAll(async () => {
  fake = await startFakeKubeApi();
});
afterAll(() => fake.stop());

const target = (name: string, namespace: string) => ({
  actor: 'slack:U123',
  reason: 'investigation',
  now: '2026-11-26T12:05:00.000Z',
  pod: { namespace, name },
});

const roundTrip = async (namespace: string, params: Record<string, unknown>) => {
  const { deps, store, recorded } = await respondDeps(createClientNodeKubeApi(fake.kubeConfig()));
  const quarantined = await runAction(quarantinePod, { params, target: target('web-1', namespace) }, deps);
  const released = await runAction(releasePod, { params: {}, target: target('web-1', namespace) }, deps);
  return { quarantined, released, store, recorded, deps };
};

describe('release-pod against the fake API server', () => {
  it('leaves pods and network policies exactly as they were before the quarantine', async () => {
    fake.put('pods', ownedPod('web-1', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'r1'));
    const before = snapshot(fake, 'r1');
    const { quarantined, released, store, recorded } = await roundTrip('r1', {});
    expect([quarantined.status, released.status]).toEqual(['done', 'done']);
    expect(snapshot(fake, 'r1')).toEqual(before);
    expect(fake.list('events', 'r1/').map((event) => event.reason)).toEqual([
      'MeshwardQuarantined',
      'MeshwardReleased',
    ]);
    expect(recorded.claims().map((claims) => claims.kind)).toEqual(['quarantine', 'release']);
    expect(await store.listQuarantines()).toEqual([]);
  });

  it('restores the labels a detach removed, and says the ReplicaSet may adopt the pod again', async () => {
    fake.put('pods', ownedPod('web-1', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'r2'));
    const before = snapshot(fake, 'r2');
    const { released } = await roundTrip('r2', { detach: true });
    expect(snapshot(fake, 'r2')).toEqual(before);
    expect(released.notes.join(' ')).toContain('may adopt the pod again');
  });

  it('restores annotation values quarantine overwrote, not just removes them', async () => {
    const pod = ownedPod('web-1', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'r3');
    pod.metadata.annotations = { ...pod.metadata.annotations, 'meshward.io/quarantine-reason': 'left over' };
    fake.put('pods', pod);
    const before = snapshot(fake, 'r3');
    await roundTrip('r3', {});
    expect(snapshot(fake, 'r3')).toEqual(before);
  });

  it('keeps the policy while another pod in the namespace is still quarantined', async () => {
    fake.put('pods', ownedPod('web-1', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'r4'));
    fake.put('pods', ownedPod('web-2', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'r4'));
    const { deps } = await respondDeps(createClientNodeKubeApi(fake.kubeConfig()));
    await runAction(quarantinePod, { params: {}, target: target('web-2', 'r4') }, deps);
    await roundTrip('r4', {});
    expect(fake.get('networkpolicies', 'r4', 'meshward-quarantine')).toBeDefined();
    await runAction(releasePod, { params: {}, target: target('web-2', 'r4') }, deps);
    expect(fake.get('networkpolicies', 'r4', 'meshward-quarantine')).toBeUndefined();
  });

  it('never deletes a quarantine policy someone else created', async () => {
    fake.put('pods', ownedPod('web-1', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'r5'));
    fake.put('networkpolicies', {
      metadata: { name: 'meshward-quarantine', namespace: 'r5' },
      spec: { podSelector: { matchLabels: { 'meshward.io/quarantine': 'true' } }, policyTypes: ['Ingress'] },
    });
    const before = snapshot(fake, 'r5');
    await roundTrip('r5', {});
    expect(snapshot(fake, 'r5')).toEqual(before);
    expect(fake.callsTo('DELETE', '/namespaces/r5/')).toEqual([]);
  });

  it('is idempotent: releasing a pod that is not quarantined changes nothing', async () => {
    fake.put('pods', ownedPod('web-1', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'r6'));
    const before = snapshot(fake, 'r6');
    const { deps, recorded } = await respondDeps(createClientNodeKubeApi(fake.kubeConfig()));
    const result = await runAction(releasePod, { params: {}, target: target('web-1', 'r6') }, deps);
    expect(result).toMatchObject({ status: 'unchanged', notes: ['the pod is not quarantined'] });
    expect(snapshot(fake, 'r6')).toEqual(before);
    expect(recorded.commands).toEqual([]);
  });
});
