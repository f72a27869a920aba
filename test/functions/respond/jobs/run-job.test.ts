import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientNodeKubeApi } from '#functions/platform/kube/client-node-kube-api.ts';
import { createWebClientSlackApi } from '#functions/platform/slack/web-client-slack-api.ts';
import { actions } from '#functions/respond/actions/index.ts';
import type { AlertButton } from '#functions/respond/alerts/alert-request.ts';
import { createSlackAlertSender } from '#functions/respond/alerts/slack-alert-sender.ts';
import type { JobDeps } from '#functions/respond/jobs/job-deps.ts';
import { runJob } from '#functions/respond/jobs/run-job.ts';
import { onCaptureReady } from '#functions/respond/on-capture-ready.ts';
import type { ResponseFinding } from '#functions/respond/response-finding.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';
import { type FakeSlackApi, startFakeSlackApi } from '#test/helpers/fake-slack-api.ts';
import { minute, responseFinding, threat, violation } from '../findings.ts';
import { ownedPod } from '../kube-fixtures.ts';
import { respondDeps } from '../respond-deps.ts';

let kube: FakeKubeApi;
let slack: FakeSlackApi;
beforeAll(async () => {
  [kube, slack] = await Promise.all([startFakeKubeApi(), startFakeSlackApi()]);
});
afterAll(() => Promise.all([kube.stop(), slack.stop()]));

/** Posts a real alert for a pod in `namespace` and returns the deps and its buttons' opaque ids. */
const alerted = async (
  namespace: string,
  finding: ResponseFinding['finding'] = threat(),
  buttons: AlertButton[] = ['quarantine', 'release', 'mute', 'allow'],
) => {
  const slackApi = createWebClientSlackApi({
    token: slack.token,
    slackApiUrl: slack.url,
    retryConfig: { retries: 0 },
  });
  const base = await respondDeps(createClientNodeKubeApi(kube.kubeConfig()));
  const alerts = createSlackAlertSender(slackApi, base.store);
  base.deps.alerts = alerts;
  const allowed: string[] = [];
  let n = 0;
  const deps: JobDeps = {
    actionDeps: base.deps,
    store: base.store,
    rules: [],
    actions,
    newId: () => `id-${namespace}-${++n}`,
    slack: slackApi,
    allowFinding: async (findingId) => {
      allowed.push(findingId);
      return { action: 'allow', status: 'done', applied: ['rule r-1'], notes: [] };
    },
  };
  const record = responseFinding(finding, {
    namespace,
    group: `${namespace}/frontend`,
    pod: { namespace, name: 'web-1', uid: `uid-${namespace}` },
  });
  const sent = await alerts.notify({ channel: 'C0SEC', finding: record, buttons, outcomes: [] }, minute(0));
  const blocks = slack.message('C0SEC', sent.ts ?? '')?.blocks as {
    type: string;
    elements?: { action_id: string; value: string }[];
  }[];
  const ids = Object.fromEntries(
    (blocks.find((b) => b.type === 'actions')?.elements ?? []).map((e) => [
      e.action_id.replace('meshward:', ''),
      e.value,
    ]),
  );
  return { deps, ids, ts: sent.ts ?? '', alerts, record, allowed, store: base.store };
};

const press = (button: string, interactionId: string | undefined) => ({
  type: 'interaction' as const,
  interactionId: interactionId ?? '',
  button,
  user: { id: 'U0ALICE', name: 'alice' },
  channel: 'C0SEC',
});

const seedPod = (namespace: string) => {
  const pod = ownedPod('web-1', { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, namespace);
  kube.put('pods', { ...pod, metadata: { ...pod.metadata, uid: `uid-${namespace}` } });
};

const text = (ts: string) => JSON.stringify(slack.message('C0SEC', ts)?.blocks);

describe('runJob', () => {
  it('Capture: the alert says pending, then links the pcap when the tap reports it; both audited', async () => {
    seedPod('j7');
    const { deps, ids, ts, store, record } = await alerted('j7', threat(), ['capture']);
    await runJob(press('capture', ids.capture), deps, minute(1));
    expect(text(ts)).toContain('Capture requested by <@U0ALICE> at 2026-11-26 12:01 UTC');
    expect(text(ts)).toContain('packet capture pending');
    const [requested] = await store.listAudit();
    const link =
      requested?.detail.find((line) => line.startsWith('capture: '))?.slice('capture: '.length) ?? '';
    expect(link).toMatch(/^https:\/\/captures\.example\/captures\/j7\/web-1\//);
    const capture = {
      type: 'capture' as const,
      commandId: '0123456789abcdef0123456789abcdef',
      location: link,
      packets: 12,
      bytes: 2048,
      from: minute(0, 30),
      to: minute(1, 30),
    };
    const shown = await onCaptureReady(
      capture,
      record.pod ?? { namespace: '', name: '', uid: '' },
      deps,
      minute(2),
    );
    expect(shown).toEqual([{ channel: 'C0SEC', ts, findingId: record.id }]);
    expect(text(ts)).toContain(`<${link}|packet capture> (12 packets, 2.0 KiB)`);
    expect((await store.listAudit()).map((r) => [r.actor, r.action, r.status, r.findingId])).toEqual([
      ['tap:j7/web-1', 'capture-uploaded', 'done', record.id],
      ['slack:U0ALICE', 'capture', 'done', undefined],
    ]);
  });

  it('records a capture upload even when Slack is away, and says why the alert was not updated', async () => {
    const { deps, store } = await alerted('j8');
    deps.actionDeps.alerts = {
      ...deps.actionDeps.alerts,
      captureReady: () => Promise.reject(new Error('Slack is down')),
    };
    const capture = {
      type: 'capture' as const,
      commandId: '0123456789abcdef0123456789abcdee',
      location: 'https://captures.example/captures/j8/web-1/x.pcap',
      packets: 1,
      bytes: 100,
      from: minute(0),
      to: minute(1),
    };
    expect(
      await onCaptureReady(capture, { namespace: 'j8', name: 'web-1', uid: 'uid-j8' }, deps, minute(2)),
    ).toEqual([]);
    expect((await store.listAudit())[0]).toMatchObject({
      action: 'capture-uploaded',
      status: 'failed',
      detail: expect.arrayContaining(['error: could not update the alert: Slack is down']),
    });
  });

  it('quarantine then release from the buttons: both shown on the alert, both audited', async () => {
    seedPod('j1');
    const { deps, ids, ts, store } = await alerted('j1');
    await runJob(press('quarantine', ids.quarantine), deps, minute(1));
    expect(kube.get('pods', 'j1', 'web-1')?.metadata.labels?.['meshward.io/quarantine']).toBe('true');
    await runJob(press('release', ids.release), deps, minute(2));
    expect(kube.get('pods', 'j1', 'web-1')?.metadata.labels?.['meshward.io/quarantine']).toBeUndefined();
    expect(text(ts)).toContain('Quarantined by <@U0ALICE> at 2026-11-26 12:01 UTC');
    expect(text(ts)).toContain('Released by <@U0ALICE> at 2026-11-26 12:02 UTC');
    expect((await store.listAudit()).map((r) => `${r.actor} ${r.action} ${r.status}`)).toEqual([
      'slack:U0ALICE release-pod done',
      'slack:U0ALICE quarantine-pod done',
    ]);
  });

  it('says clearly when the pod no longer exists, on the alert and to the user', async () => {
    const { deps, ids, ts } = await alerted('j2');
    await runJob(press('quarantine', ids.quarantine), deps, minute(1));
    expect(text(ts)).toContain(
      'quarantine by <@U0ALICE> at 2026-11-26 12:01 UTC: not-found (pod j2/web-1 no longer exists)',
    );
    expect(slack.ephemeral.at(-1)).toMatchObject({
      user: 'U0ALICE',
      text: expect.stringContaining('no longer exists'),
    });
  });

  it('Mute creates a one-hour mute from the alert’s labels that holds back the next alert', async () => {
    const { deps, ids, ts, alerts, record, store } = await alerted('j3');
    await runJob(press('mute', ids.mute), deps, minute(1));
    const [mute] = await store.listMutes(minute(2));
    expect(mute).toMatchObject({ createdBy: 'slack:U0ALICE', endsAt: minute(61), scope: 'notify' });
    expect(mute?.matchers.map((m) => `${m.name}=${m.value}`)).toEqual([
      'type=threat',
      'namespace=j3',
      'group=j3/frontend',
      'threat=dns-tunnel',
    ]);
    expect(text(ts)).toContain('Muted for 1 hour by <@U0ALICE>');
    const next = await alerts.notify(
      { channel: 'C0SEC', finding: record, buttons: [], outcomes: [] },
      minute(5),
    );
    expect(next).toMatchObject({ status: 'muted', muteId: mute?.id });
  });

  it('Allow hands the violation to learn and shows the result', async () => {
    const { deps, ids, ts, allowed } = await alerted('j4', violation());
    await runJob(press('allow', ids.allow), deps, minute(1));
    expect(allowed).toEqual(['batch-1#0']);
    expect(text(ts)).toContain('Allowed by <@U0ALICE>');
  });

  it('runs /meshward quarantine and answers the user privately with the result', async () => {
    seedPod('j5');
    const { deps, store } = await alerted('j5');
    await runJob(
      {
        type: 'command',
        action: 'quarantine',
        pod: { namespace: 'j5', name: 'web-1' },
        reason: 'C2 beacon',
        user: { id: 'U0BOB' },
        channel: 'C0SEC',
      },
      deps,
      minute(1),
    );
    expect(kube.get('pods', 'j5', 'web-1')?.metadata.annotations?.['meshward.io/quarantine-reason']).toBe(
      'C2 beacon',
    );
    expect(slack.ephemeral.at(-1)).toMatchObject({
      user: 'U0BOB',
      text: expect.stringMatching(/^quarantine-pod: done/),
    });
    expect((await store.listAudit())[0]).toMatchObject({
      actor: 'slack:U0BOB',
      reason: 'C2 beacon',
      status: 'done',
    });
  });

  it('delivers ephemeral replies, and ignores presses whose record has vanished', async () => {
    const { deps } = await alerted('j6');
    await runJob(
      { type: 'reply', channel: 'C0SEC', user: 'U0EVE', text: 'You are not allowed' },
      deps,
      minute(1),
    );
    expect(slack.ephemeral.at(-1)).toEqual({ channel: 'C0SEC', user: 'U0EVE', text: 'You are not allowed' });
    const updates = slack.callsTo('chat.update').length;
    await runJob(press('quarantine', 'vanished'), deps, minute(1));
    expect(slack.callsTo('chat.update').length).toBe(updates);
  });
});
