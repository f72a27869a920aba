import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientNodeKubeApi } from '#functions/platform/kube/client-node-kube-api.ts';
import { actions } from '#functions/respond/actions/index.ts';
import type { RespondDeps } from '#functions/respond/respond-deps.ts';
import { loadResponseRules, parseResponseRule } from '#functions/respond/rules/load-response-rules.ts';
import type { ResponseRule } from '#functions/respond/rules/response-rule-schema.ts';
import { respondToFinding } from '#functions/respond/run.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';
import { minute, responseFinding, threat } from './findings.ts';
import { ownedPod } from './kube-fixtures.ts';
import { respondDeps } from './respond-deps.ts';

let fake: FakeKubeApi;
beforeAll(async () => {
  fake = await startFakeKubeApi();
});
afterAll(() => fake.stop());

const shipped = loadResponseRules('policies/response', actions);

const seedPod = (namespace: string) => {
  const pod = ownedPod(
    'frontend-7d9c5b6f4d-x2x4q',
    { kind: 'ReplicaSet', name: 'frontend-7d9c5b6f4d' },
    namespace,
  );
  fake.put('pods', { ...pod, metadata: { ...pod.metadata, uid: `uid-${namespace}` } });
};

const findingIn = (namespace: string, overrides = {}) =>
  responseFinding(threat(overrides), {
    namespace,
    group: `${namespace}/frontend`,
    pod: { namespace, name: 'frontend-7d9c5b6f4d-x2x4q', uid: `uid-${namespace}` },
  });

const setup = async (rules: readonly ResponseRule[] = shipped) => {
  const base = await respondDeps(createClientNodeKubeApi(fake.kubeConfig()));
  let n = 0;
  const deps: RespondDeps = {
    actionDeps: base.deps,
    store: base.store,
    rules,
    actions,
    newId: () => `a${++n}`,
  };
  return { ...base, deps };
};

const rule = (text: string): ResponseRule => {
  const result = parseResponseRule('t.yaml', text, actions);
  if ('problems' in result) throw new Error(result.problems.join('\n'));
  return result.rule;
};

describe('respondToFinding', () => {
  it('runs the DNS tunnel rule: capture, quarantine, then an alert that says what was done', async () => {
    seedPod('run1');
    const { deps, recorded, store } = await setup();
    const [run] = await respondToFinding(findingIn('run1'), minute(0), deps);
    expect(run?.results.map((result) => [result.action, result.status])).toEqual([
      ['capture', 'done'],
      ['quarantine-pod', 'done'],
      ['notify-slack', 'done'],
    ]);
    expect(recorded.claims().map((claims) => claims.kind)).toEqual(['capture', 'quarantine']);
    expect(recorded.alerts[0]?.outcomes).toEqual(['capture: done', 'quarantine-pod: done']);
    expect(recorded.alerts[0]?.captureLink).toMatch(/^https:\/\/captures\.example\/captures\/run1\//);
    expect(
      fake.get('pods', 'run1', 'frontend-7d9c5b6f4d-x2x4q')?.metadata.labels?.['meshward.io/quarantine'],
    ).toBe('true');
    const auditTrail = await store.listAudit();
    expect(auditTrail.map((record) => [record.actor, record.action, record.status]).reverse()).toEqual([
      ['rule:dns-tunnel', 'capture', 'done'],
      ['rule:dns-tunnel', 'quarantine-pod', 'done'],
      ['rule:dns-tunnel', 'notify-slack', 'done'],
    ]);
    expect(auditTrail[1]).toMatchObject({
      target: 'pod:run1/frontend-7d9c5b6f4d-x2x4q',
      findingId: 'batch-1#0',
    });
  });

  it('de-duplicates: a repeat in the window only reaches the alert, the rest is skipped and audited', async () => {
    seedPod('run2');
    const { deps, recorded, store } = await setup();
    await respondToFinding(findingIn('run2'), minute(0), deps);
    const [again] = await respondToFinding(findingIn('run2'), minute(1), deps);
    expect(again?.limited).toContain('duplicate');
    expect(again?.results.map((result) => result.status)).toEqual(['skipped', 'skipped', 'done']);
    expect(recorded.alerts).toHaveLength(2);
    expect(recorded.commands).toHaveLength(2);
    expect((await store.listAudit()).filter((record) => record.status === 'skipped')).toHaveLength(2);
  });

  it('rate-limits a rule beyond its budget but keeps alerting', async () => {
    const limited = rule(`id: t
description: t
match: { types: [threat] }
actions:
  - { action: webhook, params: { url: "https://hooks.example/x" } }
  - { action: notify-slack, params: { channel: "#x" } }
rateLimit: { max: 2, perSeconds: 600 }
`);
    const { deps, recorded } = await setup([limited]);
    for (let i = 0; i < 4; i++) await respondToFinding(findingIn('run3'), minute(0, i), deps);
    expect(recorded.posts).toHaveLength(2);
    expect(recorded.alerts).toHaveLength(4);
  });

  it('stops after a failed action unless it ignores errors, and records why', async () => {
    const strict = rule(`id: t
description: t
match: { types: [threat] }
actions:
  - { action: quarantine-pod }
  - { action: notify-slack, params: { channel: "#x" } }
`);
    const { deps, recorded, store } = await setup([strict]);
    const [run] = await respondToFinding(findingIn('run4-no-pod'), minute(0), deps);
    expect(run?.results.map((result) => result.status)).toEqual(['not-found', 'done']);
    const broken = {
      ...strict,
      actions: [
        { ...strict.actions[0], action: 'webhook', params: { url: 'https://x.example' } },
        ...strict.actions.slice(1),
      ],
    } as ResponseRule;
    const failing = await setup([broken]);
    failing.deps.actionDeps.httpPost = async () => ({ status: 500 });
    const [failed] = await respondToFinding(findingIn('run4'), minute(0), failing.deps);
    expect(failed?.results.map((result) => result.status)).toEqual(['failed', 'skipped']);
    expect(failed?.results[1]?.notes).toEqual(['webhook failed before it']);
    expect(recorded.alerts).toHaveLength(1);
    expect((await failing.store.listAudit()).map((record) => record.status)).toEqual(['skipped', 'failed']);
    expect(store).toBeDefined();
  });

  it('does nothing for a finding under a mute with scope all, and says so in the audit', async () => {
    seedPod('run5');
    const { deps, recorded, store } = await setup();
    await store.putMute({
      id: 'm1',
      matchers: [{ name: 'namespace', value: 'run5', isRegex: false, isEqual: true }],
      startsAt: minute(0),
      endsAt: minute(30),
      createdBy: 'api:alice',
      comment: 'load test',
      scope: 'all',
      suppressed: 0,
    });
    expect(await respondToFinding(findingIn('run5'), minute(1), deps)).toEqual([]);
    expect(recorded.commands).toEqual([]);
    expect((await store.getMute('m1'))?.suppressed).toBe(1);
    expect((await store.listAudit())[0]).toMatchObject({ actor: 'mute:m1', status: 'skipped' });
  });

  it('plans but applies nothing for a dry-run rule', async () => {
    seedPod('run6');
    const dry = { ...shipped[0], dryRun: true } as ResponseRule;
    const { deps, recorded } = await setup([dry]);
    const [run] = await respondToFinding(findingIn('run6'), minute(0), deps);
    expect(run?.results.map((result) => result.status)).toEqual(['dry-run', 'dry-run', 'dry-run']);
    expect(recorded.commands).toEqual([]);
    expect(fake.callsTo('PATCH', '/namespaces/run6/')).toEqual([]);
  });
});
