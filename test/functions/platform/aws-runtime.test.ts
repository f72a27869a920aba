/**
 * The control plane on AWS, in process, against local fakes that enforce the protocols: dynalite (DynamoDB),
 * a SigV4-checking SQS (AWS JSON 1.0) and S3 (presigned URLs), and the fake Slack Web API. The real Lambda
 * handlers run with the environment the stack gives them: ingest → SQS → learn → DynamoDB; learn's violation
 * → SQS → respond → Slack; a signed button press → Slack edge → SQS job → respond → rule in DynamoDB.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '#core/finding.ts';
import type { PodRef } from '#core/workload.ts';
import { handler as ingestHandler } from '#functions/ingest/handler.ts';
import { handler as learnHandler } from '#functions/learn/handler.ts';
import {
  createLocalIssuer,
  generateIssuerKey,
  type LocalIssuer,
} from '#functions/platform/auth/local-issuer.ts';
import { generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { getRuntime, setRuntime } from '#functions/platform/runtime.ts';
import { getRespondRuntime, setRespondRuntime } from '#functions/respond/current-respond-runtime.ts';
import { handler as respondHandler } from '#functions/respond/handler.ts';
import { handler as scheduleHandler } from '#functions/schedule/handler.ts';
import { handler as slackHandler } from '#functions/slack/handler.ts';
import { type FakeS3, startFakeS3 } from '#test/helpers/fake-s3.ts';
import { buttonsOf, type FakeSlackApi, startFakeSlackApi } from '#test/helpers/fake-slack-api.ts';
import { type FakeSqs, startFakeSqs } from '#test/helpers/fake-sqs.ts';
import { app, blockActionsBody, sign, signingSecret, team } from '../slack/slack-requests.ts';
import { batch, cartHeartbeat, heartbeat, podRef, toCart } from './factories.ts';
import { type LocalDynamo, startDynalite } from './store/dynalite.ts';

const credentials = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local/secret+key' };
const frontend = podRef('frontend-7d9c5b6f4d-abcde');
const cart = podRef('cart-5c6d7f8b9c-fghjk');
const saved = { ...process.env };

let dynamo: LocalDynamo;
let sqs: FakeSqs;
let s3: FakeS3;
let slack: FakeSlackApi;
let cluster: LocalIssuer;

const endpointOf = async (local: LocalDynamo): Promise<string> => {
  const endpoint = await local.client.config.endpoint?.();
  return `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`;
};

beforeAll(async () => {
  [dynamo, sqs, s3, slack] = await Promise.all([
    startDynalite(),
    startFakeSqs(['learn', 'respond'], credentials),
    startFakeS3('captures', credentials),
    startFakeSlackApi(),
  ]);
  cluster = await createLocalIssuer(await generateIssuerKey(), 'https://oidc.eks.test/id/CLUSTER');
  Object.assign(process.env, {
    MESHWARD_STORE: 'dynamodb',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: await endpointOf(dynamo),
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    MESHWARD_TABLE: await dynamo.createTable(),
    MESHWARD_LEARN_QUEUE_URL: sqs.queueUrl('learn'),
    MESHWARD_RESPOND_QUEUE_URL: sqs.queueUrl('respond'),
    MESHWARD_CAPTURE_BUCKET: 'captures',
    MESHWARD_POD_TOKEN_ISSUER: cluster.issuer,
    MESHWARD_JWKS: JSON.stringify(cluster.jwks),
    MESHWARD_API_TOKEN_KEY: JSON.stringify(await generateIssuerKey()),
    MESHWARD_COMMAND_KEY: JSON.stringify(await generateCommandKey()),
    MESHWARD_DEFAULT_MODE: 'monitor',
    MESHWARD_SLACK_BOT_TOKEN: slack.token,
    MESHWARD_SLACK_API_URL: slack.url,
    MESHWARD_SLACK_SIGNING_SECRET: signingSecret,
    MESHWARD_SLACK_TEAM_ID: team,
    MESHWARD_SLACK_APP_ID: app,
    MESHWARD_SLACK_ALLOW_ALLOW: 'U0ALICE',
    MESHWARD_KUBECONFIG: '/nonexistent/kubeconfig',
  });
  setRuntime(undefined);
  setRespondRuntime(undefined);
}, 60_000);

afterAll(async () => {
  setRespondRuntime(undefined);
  setRuntime(undefined);
  process.env = saved;
  await Promise.all([dynamo.close(), sqs.close(), s3.close(), slack.stop()]);
});

const httpEvent = (path: string, body: string, headers: Record<string, string>): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path } },
  }) as unknown as APIGatewayProxyEventV2;

/** A tap's batch through the ingest Lambda with its cluster token; then learn and respond on what SQS holds. */
const report = async (pod: PodRef, findings: Finding[]) => {
  const token = await cluster.mintPodToken(pod);
  const answer = await ingestHandler(
    httpEvent('/findings', JSON.stringify(batch(pod, findings)), { authorization: `Bearer ${token}` }),
  );
  expect(answer.statusCode, String(answer.body)).toBe(200);
  expect((await learnHandler(sqs.drain('learn'))).batchItemFailures).toEqual([]);
  expect((await respondHandler(sqs.drain('respond'))).batchItemFailures).toEqual([]);
};

describe('meshward on AWS (DynamoDB, SQS, S3 and Slack fakes; real handlers, env-built runtime)', () => {
  it('builds the AWS runtime from env: no local issuer, a command signer, SQS job queue, S3 captures', async () => {
    const runtime = await getRuntime();
    expect(runtime.issuer).toBeUndefined();
    expect(runtime.signer?.jwks.keys).toHaveLength(1);
    const respond = await getRespondRuntime();
    expect(respond.objectStore.verify).toBeUndefined();
    const upload = new URL(await respond.objectStore.uploadUrl('captures/shop/c1.pcap', 900));
    expect(upload.origin).toBe(s3.endpoint);
    expect((await fetch(upload, { method: 'PUT', body: 'pcap' })).status).toBe(200);
    expect(s3.objects.get('captures/shop/c1.pcap')?.toString()).toBe('pcap');
  });

  it('ingest → SQS → learn stores pods and groups in DynamoDB; a forged token is refused', async () => {
    await report(frontend, [heartbeat()]);
    await report(cart, [cartHeartbeat]);
    const { store } = await getRuntime();
    expect((await store.listGroups()).map((g) => [g.key, g.mode]).sort()).toEqual([
      ['shop/cart', 'monitor'],
      ['shop/frontend', 'monitor'],
    ]);
    const forged = await createLocalIssuer(await generateIssuerKey(), cluster.issuer);
    const refused = await ingestHandler(
      httpEvent('/findings', JSON.stringify(batch(frontend, [heartbeat()])), {
        authorization: `Bearer ${await forged.mintPodToken(frontend)}`,
      }),
    );
    expect(refused.statusCode).toBe(401);
    expect(sqs.drain('learn').Records).toEqual([]);
  });

  it('learn’s violation reaches respond over SQS and alerts in Slack with Allow', async () => {
    await report(frontend, [toCart]);
    const { store } = await getRuntime();
    const [violation] = await store.listFindings({ kind: 'violation' });
    expect(violation?.group).toBe('shop/frontend');
    const [alert] = slack.messages;
    expect(alert?.text).toBe('Violation: shop/frontend → shop/cart (monitor)');
    expect(buttonsOf(alert?.blocks).map((b) => b.action_id)).toEqual(['meshward:allow', 'meshward:mute']);
  });

  it('a signed Allow press is acknowledged, queued on SQS, and respond turns it into a rule in DynamoDB', async () => {
    const allowId = buttonsOf(slack.messages[0]?.blocks).find((b) => b.action_id === 'meshward:allow')?.value;
    const body = blockActionsBody({ user: 'U0ALICE', actionId: 'meshward:allow', value: allowId ?? '' });
    const signed = sign(body, Math.floor(Date.now() / 1000));
    const answer = await slackHandler(
      httpEvent('/slack/actions', signed.rawBody, {
        'x-slack-signature': signed.signature,
        'x-slack-request-timestamp': signed.timestamp,
        'content-type': 'application/x-www-form-urlencoded',
      }),
    );
    expect(answer.statusCode).toBe(200);
    const { store } = await getRuntime();
    expect(await store.listRules({ group: 'shop/frontend' })).toEqual([]);
    const jobs = sqs.drain('respond');
    expect(jobs.Records.map((r) => JSON.parse(r.body).type)).toEqual(['interaction']);
    expect((await respondHandler(jobs)).batchItemFailures).toEqual([]);
    expect((await store.listRules({ group: 'shop/frontend' })).map((r) => [r.port, r.source])).toEqual([
      [7070, 'manual'],
    ]);
    expect(sqs.refused).toEqual([]);
    expect(s3.refused).toEqual([]);
  });

  it('the scheduled function progresses modes and flushes grouped alerts against DynamoDB', async () => {
    const { store } = await getRuntime();
    const before = await store.listGroups();
    const result = await scheduleHandler();
    expect(result).toEqual({ modeChanges: 0, alertsFlushed: expect.any(Number) });
    expect(await store.listGroups()).toEqual(before);
  });
});
