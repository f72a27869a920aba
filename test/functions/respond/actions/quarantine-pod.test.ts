import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientNodeKubeApi } from '#functions/platform/kube/client-node-kube-api.ts';
import { quarantinePod } from '#functions/respond/actions/quarantine-pod.ts';
import { runAction } from '#functions/respond/run-action.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';
import { ownedPod, snapshot } from '../kube-fixtures.ts';
import { respondDeps } from '../respond-deps.ts';

let fake: FakeKubeApi;
beforeAll(async () => {
  fake = await startFakeKubeApi();
});
afterAll(() => fake.stop());

const target = (name: string, namespace = 'shop') => ({
  actor: 'slack:U123',
  reason: 'dns tunnel to evil.example',
  now: '2026-11-26T12:00:00.000Z',
  pod: { namespace, name },
});

const setup = async () => {
  const { deps, store, recorded } = await respondDeps(createClientNodeKubeApi(fake.kubeConfig()));
  return { deps, store, recorded };
};

describe('quarantine-pod against the fake API server', () => {
  it('labels and annotates the pod, creates the deny-all policy, records an event, commands the tap', async () => {
    fake.put('pods', ownedPod('web-1', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'q1'));
    const { deps, store, recorded } = await setup();
    const result = await runAction(quarantinePod, { params: {}, target: target('web-1', 'q1') }, deps);
    expect(result.status).toBe('done');
    const pod = fake.get('pods', 'q1', 'web-1');
    expect(pod?.metadata.labels).toEqual({
      app: 'web',
      'pod-template-hash': '7d9c5b6f4d',
      tier: 'front',
      'meshward.io/quarantine': 'true',
    });
    expect(pod?.metadata.annotations?.['meshward.io/quarantined-by']).toBe('slack:U123');
    expect(pod?.metadata.annotations?.['meshward.io/quarantine-reason']).toBe('dns tunnel to evil.example');
    const policy = fake.get('networkpolicies', 'q1', 'meshward-quarantine');
    expect(policy?.spec).toMatchObject({
      podSelector: { matchLabels: { 'meshward.io/quarantine': 'true' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
    });
    const events = fake.list('events', 'q1/');
    expect(
      events.map((event) => [event.reason, event.type, (event.involvedObject as { name: string }).name]),
    ).toEqual([['MeshwardQuarantined', 'Warning', 'web-1']]);
    expect(recorded.claims()).toMatchObject([{ kind: 'quarantine', aud: pod?.metadata.uid }]);
    expect(await store.listQuarantines()).toMatchObject([{ name: 'web-1', by: 'slack:U123' }]);
    const patch = fake.callsTo('PATCH', '/namespaces/q1/pods/web-1');
    expect(patch.map((call) => call.contentType)).toEqual(['application/merge-patch+json']);
  });

  it('is idempotent: quarantining twice changes the cluster once', async () => {
    fake.put('pods', ownedPod('web-2', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'q2'));
    const { deps, recorded } = await setup();
    await runAction(quarantinePod, { params: {}, target: target('web-2', 'q2') }, deps);
    const after = snapshot(fake, 'q2');
    const writes = fake.calls.filter((call) => call.method !== 'GET').length;
    const again = await runAction(quarantinePod, { params: {}, target: target('web-2', 'q2') }, deps);
    expect(again.status).toBe('unchanged');
    expect(again.notes).toEqual(['already quarantined by slack:U123']);
    expect(snapshot(fake, 'q2')).toEqual(after);
    expect(fake.calls.filter((call) => call.method !== 'GET').length).toBe(writes);
    expect(fake.list('events', 'q2/')).toHaveLength(1);
    expect(recorded.commands).toHaveLength(1);
  });

  it('re-creates a deleted policy for an already quarantined pod', async () => {
    fake.put('pods', ownedPod('web-3', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'q3'));
    const { deps } = await setup();
    await runAction(quarantinePod, { params: {}, target: target('web-3', 'q3') }, deps);
    await createClientNodeKubeApi(fake.kubeConfig()).deleteNetworkPolicy('q3', 'meshward-quarantine');
    const again = await runAction(quarantinePod, { params: {}, target: target('web-3', 'q3') }, deps);
    expect(again.status).toBe('done');
    expect(fake.get('networkpolicies', 'q3', 'meshward-quarantine')).toBeDefined();
  });

  it('detaches a ReplicaSet pod: every non-meshward label removed so its ReplicaSet and Services let go', async () => {
    fake.put('pods', ownedPod('web-4', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'q4'));
    const { deps } = await setup();
    const result = await runAction(
      quarantinePod,
      { params: { detach: true }, target: target('web-4', 'q4') },
      deps,
    );
    expect(result.status).toBe('done');
    expect(result.notes).toEqual([]);
    expect(fake.get('pods', 'q4', 'web-4')?.metadata.labels).toEqual({ 'meshward.io/quarantine': 'true' });
  });

  it.each([
    ['StatefulSet', 'keeps its name and identity'],
    ['DaemonSet', 'one pod per node'],
    ['Job', 'counts its pods'],
    [undefined, 'bare pod has no controller'],
  ])(
    'says why detach cannot work for a %s pod, and quarantines it without relabelling',
    async (kind, why) => {
      const namespace = `d-${(kind ?? 'bare').toLowerCase()}`;
      fake.put('pods', ownedPod('db-0', kind === undefined ? undefined : { kind, name: 'db' }, namespace));
      const { deps } = await setup();
      const result = await runAction(
        quarantinePod,
        { params: { detach: true }, target: target('db-0', namespace) },
        deps,
      );
      expect(result.status).toBe('done');
      expect(result.notes.join(' ')).toContain(why);
      expect(fake.get('pods', namespace, 'db-0')?.metadata.labels).toMatchObject({
        app: 'web',
        'meshward.io/quarantine': 'true',
      });
    },
  );

  it('retries after a resourceVersion conflict and keeps the other writer change', async () => {
    fake.put('pods', ownedPod('web-5', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'q5'));
    fake.before('PATCH', '/pods/web-5', (api) =>
      api.touch('pods', 'q5', 'web-5', (pod) => {
        pod.metadata.annotations = { ...pod.metadata.annotations, 'other/writer': 'was here' };
      }),
    );
    const { deps } = await setup();
    const result = await runAction(quarantinePod, { params: {}, target: target('web-5', 'q5') }, deps);
    expect(result.status).toBe('done');
    expect(fake.callsTo('PATCH', '/pods/web-5').map((call) => call.status)).toEqual([409, 200]);
    const pod = fake.get('pods', 'q5', 'web-5');
    expect(pod?.metadata.annotations?.['other/writer']).toBe('was here');
    expect(pod?.metadata.labels?.['meshward.io/quarantine']).toBe('true');
  });

  it('answers not-found for a pod that is gone, or replaced by another pod with the same name', async () => {
    const { deps } = await setup();
    const gone = await runAction(quarantinePod, { params: {}, target: target('nope', 'q6') }, deps);
    expect(gone).toMatchObject({ status: 'not-found', error: 'pod q6/nope no longer exists' });
    fake.put('pods', ownedPod('db-0', { kind: 'StatefulSet', name: 'db' }, 'q6'));
    const replaced = { ...target('db-0', 'q6'), pod: { namespace: 'q6', name: 'db-0', uid: 'old-uid' } };
    expect((await runAction(quarantinePod, { params: {}, target: replaced }, deps)).status).toBe('not-found');
    expect(fake.callsTo('PATCH', '/namespaces/q6/')).toEqual([]);
  });

  it('plans without writing on a dry run, and rejects unknown parameters', async () => {
    fake.put('pods', ownedPod('web-7', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, 'q7'));
    const { deps } = await setup();
    const before = snapshot(fake, 'q7');
    const dry = await runAction(
      quarantinePod,
      { params: {}, target: target('web-7', 'q7'), dryRun: true },
      deps,
    );
    expect(dry.status).toBe('dry-run');
    expect(dry.notes[0]).toBe('label meshward.io/quarantine=true');
    expect(snapshot(fake, 'q7')).toEqual(before);
    const bad = await runAction(
      quarantinePod,
      { params: { detatch: true }, target: target('web-7', 'q7') },
      deps,
    );
    expect(bad.status).toBe('failed');
    expect(bad.error).toContain('detatch');
  });
});
