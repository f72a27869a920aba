/** Local wiring end to end: taps' batches in through ingest, learn raises a violation in monitor mode, Slack alerts, Allow learns. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '#core/finding.ts';
import type { PodRef } from '#core/workload.ts';
import { ingest } from '#functions/ingest/run.ts';
import { type BackgroundWork, startBackgroundWork } from '#functions/local/background-work.ts';
import { silentLogger } from '#functions/platform/logger.ts';
import { createLocalRuntime, type Runtime, setRuntime } from '#functions/platform/runtime.ts';
import { createWebClientSlackApi } from '#functions/platform/slack/web-client-slack-api.ts';
import { setRespondRuntime } from '#functions/respond/current-respond-runtime.ts';
import { createRespondRuntime, type RespondRuntime } from '#functions/respond/respond-runtime.ts';
import { unavailableKube } from '#functions/respond/unavailable-deps.ts';
import { slackEdgeDeps } from '#functions/slack/edge-deps.ts';
import { handleSlackRequest } from '#functions/slack/run.ts';
import { slackConfigSchema } from '#functions/slack/slack-config.ts';
import { buttonsOf, type FakeSlackApi, startFakeSlackApi } from '#test/helpers/fake-slack-api.ts';
import { batch, cartHeartbeat, heartbeat, podRef, toCart } from '../platform/factories.ts';
import { app, blockActionsBody, sign, signingSecret, team } from '../slack/slack-requests.ts';

const now = new Date('2026-11-26T12:00:10.000Z');
const frontend = podRef('frontend-7d9c5b6f4d-abcde');
const cart = podRef('cart-5c6d7f8b9c-fghjk');

let slack: FakeSlackApi;
let runtime: Runtime;
let respond: RespondRuntime;
let background: BackgroundWork;
let dataDir = '';

beforeAll(async () => {
  slack = await startFakeSlackApi();
  dataDir = mkdtempSync(join(tmpdir(), 'meshward-violation-alert-'));
  runtime = await createLocalRuntime({
    dataDir,
    log: silentLogger,
    learn: { defaultMode: 'monitor' },
    now: () => now,
  });
  respond = createRespondRuntime(runtime, {
    dataDir,
    capturesUrl: 'https://127.0.0.1:1/captures',
    kube: unavailableKube('no cluster in this test'),
    slack: createWebClientSlackApi({
      token: slack.token,
      slackApiUrl: slack.url,
      retryConfig: { retries: 0 },
    }),
    slackConfig: slackConfigSchema.parse({
      signingSecret,
      teamId: team,
      appId: app,
      allow: { allow: ['U0ALICE'] },
    }),
  });
  setRuntime(runtime);
  setRespondRuntime(respond);
  // What `meshward serve` runs beside requests: respond subscribed to the in-process bus after learn.
  background = await startBackgroundWork(silentLogger);
});

afterAll(async () => {
  background.stop();
  setRespondRuntime(undefined);
  setRuntime(undefined);
  await respond.close();
  await runtime.close();
  await slack.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A tap's batch through ingest (pod token from the local issuer), then everything the bus set off. */
const report = async (pod: PodRef, findings: Finding[]) => {
  const token = await runtime.issuer?.mintPodToken(pod);
  const answer = await ingest({ token, body: batch(pod, findings) }, runtime);
  expect(answer.status).toBe(200);
  await runtime.idle();
  await respond.queue.idle();
};

describe('a flow outside the rules of a monitor-mode group → Slack alert → Allow', () => {
  it('alerts in Slack through learn’s violations message, with Allow and Mute', async () => {
    await report(frontend, [heartbeat()]);
    await report(cart, [cartHeartbeat]);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    await report(frontend, [toCart]);
    const [violation] = await runtime.store.listFindings({ kind: 'violation' });
    expect(violation?.group).toBe('shop/frontend');
    const [alert] = slack.messages;
    expect(alert?.text).toBe('Violation: shop/frontend → shop/cart (monitor)');
    expect(JSON.stringify(alert?.blocks)).toContain(frontend.name);
    expect(buttonsOf(alert?.blocks).map((b) => b.action_id)).toEqual(['meshward:allow', 'meshward:mute']);
    const trail = await respond.deps.store.listAudit();
    expect(trail.map((r) => [r.actor, r.action, r.status, r.findingId])).toEqual([
      ['rule:monitor-violation', 'notify-slack', 'done', violation?.id],
    ]);
  });

  it('Allow turns the violation into a rule: the same traffic raises nothing more', async () => {
    const allowId = buttonsOf(slack.messages[0]?.blocks).find((b) => b.action_id === 'meshward:allow')?.value;
    const body = blockActionsBody({ user: 'U0ALICE', actionId: 'meshward:allow', value: allowId ?? '' });
    const signed = sign(body, Math.floor(now.getTime() / 1000));
    const config = respond.slackConfig;
    if (config === undefined) throw new Error('no Slack config');
    const answer = await handleSlackRequest(signed, slackEdgeDeps(respond, config));
    expect(answer).toEqual({ status: 200, body: '' });
    await respond.queue.idle();
    expect(
      (await runtime.store.listRules({ group: 'shop/frontend' })).map((r) => [r.port, r.source]),
    ).toEqual([[7070, 'manual']]);
    const posts = slack.callsTo('chat.postMessage').length;
    await report(frontend, [{ ...toCart, client: { ip: '10.0.0.1', port: 40001 } }]);
    expect(await runtime.store.listFindings({ kind: 'violation' })).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(posts);
  });
});
