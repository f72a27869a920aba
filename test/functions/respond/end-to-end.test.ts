import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalServer, type LocalServer } from '#functions/local/server.ts';
import { ensureTlsMaterial } from '#functions/local/tls-material.ts';
import type { BusMessage } from '#functions/platform/bus/bus.ts';
import { createClientNodeKubeApi } from '#functions/platform/kube/client-node-kube-api.ts';
import { silentLogger } from '#functions/platform/logger.ts';
import { createLocalRuntime, type Runtime, setRuntime } from '#functions/platform/runtime.ts';
import { createWebClientSlackApi } from '#functions/platform/slack/web-client-slack-api.ts';
import { capturesFunction } from '#functions/respond/captures-function.ts';
import { setRespondRuntime } from '#functions/respond/current-respond-runtime.ts';
import { respondOnBatch } from '#functions/respond/on-batch-message.ts';
import { createRespondRuntime, type RespondRuntime } from '#functions/respond/respond-runtime.ts';
import { slackFunction } from '#functions/slack/function.ts';
import { slackConfigSchema } from '#functions/slack/slack-config.ts';
import { captureLocation } from '#sidecar/pcap/upload-capture.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';
import { buttonsOf, type FakeSlackApi, startFakeSlackApi } from '#test/helpers/fake-slack-api.ts';
import { app, blockActionsBody, commandBody, sign, signingSecret, team } from '../slack/slack-requests.ts';
import { threat } from './findings.ts';
import { ownedPod, snapshot } from './kube-fixtures.ts';

type Reply = { status: number; body: Buffer };

let kube: FakeKubeApi;
let slack: FakeSlackApi;
let runtime: Runtime;
let respond: RespondRuntime;
let server: LocalServer;
let base = '';
let dataDir = '';
let ca = '';

const send = (method: string, url: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  new Promise<Reply>((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method, ca, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

/** A promise the test opens by hand. */
const gate = () => {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
};

const pod = { namespace: 'shop', name: 'frontend-7d9c5b6f4d-x2x4q', uid: 'uid-e2e-frontend' };

beforeAll(async () => {
  [kube, slack] = await Promise.all([startFakeKubeApi(), startFakeSlackApi()]);
  dataDir = mkdtempSync(join(tmpdir(), 'meshward-respond-e2e-'));
  runtime = await createLocalRuntime({ dataDir, log: silentLogger });
  const tls = await ensureTlsMaterial(dataDir, 'meshward');
  ca = tls.caCert;
  server = createLocalServer({ functions: [slackFunction, capturesFunction], tls, logger: silentLogger });
  base = `https://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  respond = createRespondRuntime(runtime, {
    dataDir,
    capturesUrl: `${base}/captures`,
    kube: createClientNodeKubeApi(kube.kubeConfig()),
    slack: createWebClientSlackApi({
      token: slack.token,
      slackApiUrl: slack.url,
      retryConfig: { retries: 0 },
    }),
    slackConfig: slackConfigSchema.parse({
      signingSecret,
      teamId: team,
      appId: app,
      allow: { quarantine: ['U0ALICE'], release: ['U0ALICE'] },
    }),
  });
  setRuntime(runtime);
  setRespondRuntime(respond);
  const seeded = ownedPod(pod.name, { kind: 'ReplicaSet', name: 'frontend-7d9c5b6f4d' }, pod.namespace);
  kube.put('pods', { ...seeded, metadata: { ...seeded.metadata, uid: pod.uid } });
});

afterAll(async () => {
  setRespondRuntime(undefined);
  setRuntime(undefined);
  await server.close();
  await respond.close();
  await runtime.close();
  await Promise.all([kube.stop(), slack.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

const message: BusMessage = {
  type: 'batch',
  batchId: '6f1c1d5e-3a8e-4d59-9f7e-0c8f0d1c2b3a',
  pod,
  receivedAt: '2026-11-26T12:00:01.000Z',
  findings: [
    threat({
      threat: 'sql-injection',
      severity: 'high',
      protocol: 'http',
      transport: 'tcp',
      server: { ip: '10.0.3.4', port: 8080 },
      evidence: "GET /products?id=1' UNION SELECT username, password FROM users--",
    }),
  ],
};

describe('threat finding → Slack alert → signed button press → pod quarantined → message updated', () => {
  let alertTs = '';
  let quarantineId = '';

  it('alerts in Slack with a capture link and a Quarantine button, and asks the tap for a capture', async () => {
    const result = await respondOnBatch(message, runtime.store, respond.deps, '2026-11-26T12:00:02.000Z');
    expect(result.runs.map((run) => run.rule)).toEqual(['embedded-attack']);
    expect(result.runs[0]?.results.map((r) => [r.action, r.status])).toEqual([
      ['capture', 'done'],
      ['notify-slack', 'done'],
    ]);
    const [alert] = slack.messages;
    alertTs = alert?.ts ?? '';
    expect(alert?.text).toBe('Threat: sql-injection (high) in frontend-7d9c5b6f4d-x2x4q');
    quarantineId =
      buttonsOf(alert?.blocks ?? []).find((b) => b.action_id === 'meshward:quarantine')?.value ?? '';
    expect(quarantineId).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(JSON.stringify(alert?.blocks)).toContain('packet capture pending');
  });

  it('takes the tap’s pcap upload, shows its link on the alert when the tap reports it, and serves it', async () => {
    const [command] = await runtime.store.takeCommands(pod.uid, Math.floor(Date.now() / 1000) - 60);
    const claims = decodeJwt(command?.token ?? '') as { kind: string; uploadUrl: string; jti: string };
    expect(claims.kind).toBe('capture');
    const pcap = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
    const put = await send('PUT', claims.uploadUrl, pcap, { 'content-type': 'application/octet-stream' });
    expect(put.status).toBe(201);
    // The tap's next batch carries the capture finding, as its capture recorder builds it.
    const uploaded: BusMessage = {
      type: 'batch',
      batchId: '0d0c3f4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      pod,
      receivedAt: '2026-11-26T12:01:05.000Z',
      findings: [
        {
          type: 'capture',
          commandId: claims.jti,
          location: captureLocation(claims.uploadUrl),
          packets: 0,
          bytes: pcap.length,
          from: '2026-11-26T12:00:02.000Z',
          to: '2026-11-26T12:01:02.000Z',
        },
      ],
    };
    const reported = await respondOnBatch(uploaded, runtime.store, respond.deps, '2026-11-26T12:01:06.000Z');
    expect(reported.failures).toEqual([]);
    expect(slack.callsTo('chat.update').map((call) => call.args.ts)).toEqual([slack.messages[0]?.ts]);
    const blocks = JSON.stringify(
      slack.message(slack.messages[0]?.channel ?? '', slack.messages[0]?.ts ?? '')?.blocks,
    );
    expect(blocks).toContain('(0 packets, 24 B)');
    const link = /<(https:[^|>]+)\|packet capture>/.exec(blocks)?.[1] ?? '';
    expect(link).toContain(`${base}/captures/captures/shop/`);
    const got = await send('GET', link, '');
    expect([got.status, got.body.toString('hex')]).toEqual([200, pcap.toString('hex')]);
    expect(
      (await send('PUT', claims.uploadUrl.replace(/signature=[0-9a-f]{4}/, 'signature=0000'), pcap)).status,
    ).toBe(403);
  });

  it('refuses a forged press with 401 and changes nothing', async () => {
    const before = snapshot(kube);
    const updates = slack.callsTo('chat.update').length;
    const signed = sign(
      blockActionsBody({ user: 'U0ALICE', actionId: 'meshward:quarantine', value: quarantineId }),
      Math.floor(Date.now() / 1000),
    );
    const forged = await send(
      'POST',
      `${base}/slack/actions`,
      signed.rawBody.replace('U0ALICE', 'U0MALLORY'),
      {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-signature': signed.signature,
        'x-slack-request-timestamp': signed.timestamp,
      },
    );
    expect(forged.status).toBe(401);
    await respond.queue.idle();
    expect(snapshot(kube)).toEqual(before);
    expect(slack.callsTo('chat.update')).toHaveLength(updates);
  });

  it('quarantines the pod when an allowed user presses the button, and updates the alert', async () => {
    const body = blockActionsBody({
      user: 'U0ALICE',
      actionId: 'meshward:quarantine',
      value: quarantineId,
      messageTs: alertTs,
    });
    const signed = sign(body, Math.floor(Date.now() / 1000));
    // Slack wants the answer within 3 s, so the edge must answer before the Kubernetes work is done. The API
    // server holds the quarantine's pod PATCH until the answer is in: an edge that waited for the work would
    // never answer, and this test would fail at its timeout.
    const patchReached = gate();
    const patchReleased = gate();
    kube.before('PATCH', `/namespaces/${pod.namespace}/pods/${pod.name}`, () => {
      patchReached.open();
      return patchReleased.opened;
    });
    const updates = slack.callsTo('chat.update').length;
    const answer = await send('POST', `${base}/slack/actions`, signed.rawBody, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-signature': signed.signature,
      'x-slack-request-timestamp': signed.timestamp,
    });
    expect(answer.status).toBe(200);
    await patchReached.opened;
    expect(
      kube.get('pods', pod.namespace, pod.name)?.metadata.labels?.['meshward.io/quarantine'],
    ).toBeUndefined();
    expect(slack.callsTo('chat.update')).toHaveLength(updates);
    patchReleased.open();
    await respond.queue.idle();
    const quarantined = kube.get('pods', pod.namespace, pod.name);
    expect(quarantined?.metadata.labels?.['meshward.io/quarantine']).toBe('true');
    expect(quarantined?.metadata.annotations?.['meshward.io/quarantined-by']).toBe('slack:U0ALICE');
    expect(kube.get('networkpolicies', 'shop', 'meshward-quarantine')).toBeDefined();
    const update = slack.callsTo('chat.update').at(-1);
    expect(update?.args.ts).toBe(alertTs);
    expect(JSON.stringify(slack.message(update?.args.channel as string, alertTs)?.blocks)).toContain(
      'Quarantined by <@U0ALICE> at',
    );
    expect(slack.ephemeral.at(-1)).toMatchObject({
      user: 'U0ALICE',
      text: expect.stringContaining('quarantine-pod: done'),
    });
    const trail = await respond.deps.store.listAudit();
    expect(trail.map((record) => `${record.actor} ${record.action} ${record.status}`).reverse()).toEqual([
      'rule:embedded-attack capture done',
      'rule:embedded-attack notify-slack done',
      `tap:shop/${pod.name} capture-uploaded done`,
      'slack:U0ALICE quarantine-pod done',
    ]);
    expect(await respond.deps.store.listQuarantines()).toMatchObject([
      { name: pod.name, by: 'slack:U0ALICE' },
    ]);
  });

  it('releases the pod with a signed `/meshward release` and answers privately with the result', async () => {
    const signed = sign(
      commandBody('U0ALICE', `release shop/${pod.name} false positive`),
      Math.floor(Date.now() / 1000),
    );
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-signature': signed.signature,
      'x-slack-request-timestamp': signed.timestamp,
    };
    const tampered = await send(
      'POST',
      `${base}/slack/commands`,
      signed.rawBody.replace('false', 'true'),
      headers,
    );
    expect(tampered.status).toBe(401);
    const answer = await send('POST', `${base}/slack/commands`, signed.rawBody, headers);
    expect([answer.status, JSON.parse(answer.body.toString()).text]).toEqual([
      200,
      `Releasing shop/${pod.name}… the result follows here.`,
    ]);
    await respond.queue.idle();
    const released = kube.get('pods', pod.namespace, pod.name);
    expect(released?.metadata.labels?.['meshward.io/quarantine']).toBeUndefined();
    expect(released?.metadata.annotations?.['meshward.io/quarantined-by']).toBeUndefined();
    expect(kube.get('networkpolicies', 'shop', 'meshward-quarantine')).toBeUndefined();
    expect(slack.ephemeral.at(-1)).toMatchObject({
      user: 'U0ALICE',
      text: expect.stringContaining('release-pod: done'),
    });
    // This tap never reported (no heartbeat here): capture, quarantine and release also went by annotation.
    const tokens = JSON.parse(released?.metadata.annotations?.['meshward.io/commands'] ?? '[]') as string[];
    expect(tokens.map((token) => (decodeJwt(token) as { kind: string }).kind)).toEqual([
      'capture',
      'quarantine',
      'release',
    ]);
    expect(await respond.deps.store.listQuarantines()).toEqual([]);
  });
});
