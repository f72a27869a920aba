import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiDeps, ApiRoute } from '#functions/api/api-route.ts';
import { handleApi } from '#functions/api/run.ts';
import type { ApiRole } from '#functions/platform/auth/verify-api-token.ts';
import { createClientNodeKubeApi } from '#functions/platform/kube/client-node-kube-api.ts';
import {
  createLocalObjectStore,
  type LocalObjectStore,
} from '#functions/platform/object-store/local-object-store.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import type { Store } from '#functions/platform/store/store.ts';
import { actions } from '#functions/respond/actions/index.ts';
import { captureRoutes } from '#functions/respond/api/capture-routes.ts';
import { podActionRoutes } from '#functions/respond/api/pod-action-routes.ts';
import { podRoutes } from '#functions/respond/api/pod-routes.ts';
import { responseRoutes } from '#functions/respond/api/response-routes.ts';
import type { RespondDeps } from '#functions/respond/respond-deps.ts';
import { unavailableKube } from '#functions/respond/unavailable-deps.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';
import { ownedPod, snapshot } from '../kube-fixtures.ts';
import { type Recorded, respondDeps } from '../respond-deps.ts';

const now = '2026-11-26T12:00:00.000Z';
const capturesUrl = 'https://control.example:8443/captures';

let fake: FakeKubeApi;
let dataDir: string;
let store: Store;
let respond: RespondDeps;
let recorded: Recorded;
let objectStore: LocalObjectStore;
let routes: ApiRoute[];
let ids = 0;
const deps = (): ApiDeps => ({ store, now: () => new Date(now) });

beforeAll(async () => {
  fake = await startFakeKubeApi();
  dataDir = mkdtempSync(join(tmpdir(), 'pod-action-routes-'));
});
afterAll(async () => {
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A namespace with one ReplicaSet pod in the fake cluster, known to the store as its tap would report it. */
const seedPod = async (namespace: string, name = 'web-1') => {
  const pod = fake.put('pods', ownedPod(name, { kind: 'ReplicaSet', name: 'web-7d9c5b6f4d' }, namespace));
  const uid = pod.metadata.uid ?? '';
  await store.putGroup({
    key: `${namespace}/web`,
    namespace,
    name: 'web',
    kind: 'Deployment',
    mode: 'monitor',
    modeSince: now,
    meshControl: false,
  });
  await store.putPod({
    pod: { namespace, name, uid },
    group: `${namespace}/web`,
    workload: { namespace, kind: 'Deployment', name: 'web' },
    ips: ['10.0.0.7'],
    hostNetwork: false,
    lastSeen: now,
    expiresAt: '2026-11-26T12:10:00.000Z',
  });
  return uid;
};

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  objectStore = createLocalObjectStore({
    dir: join(dataDir, `objects-${++ids}`),
    baseUrl: capturesUrl,
    secret: 'test-object-url-secret',
    nowSeconds: () => Math.floor(Date.parse(now) / 1000),
  });
  const made = await respondDeps(createClientNodeKubeApi(fake.kubeConfig()), { objectStore });
  recorded = made.recorded;
  respond = { actionDeps: made.deps, store: made.store, rules: [], actions, newId: () => `audit-${++ids}` };
  const lazy = async () => respond;
  routes = [
    ...podRoutes(lazy),
    ...podActionRoutes(lazy),
    ...captureRoutes(lazy),
    ...responseRoutes(async () => respond.store),
  ];
});

/** The JSON the routes answer, loosely: each test reads the fields it checks. */
type Answer = {
  error?: string;
  message?: string;
  details?: string[];
  result?: unknown;
  audit?: string;
  repeated?: boolean;
  capture?: { id: string; status: string };
  captures?: { download: string }[];
  pods?: unknown[];
};

const call = async (
  route: string,
  request: {
    uid?: string;
    params?: Record<string, string>;
    body?: unknown;
    query?: Record<string, string>;
  } = {},
) => {
  const found = routes.find((candidate) => candidate.route === route);
  if (found === undefined) throw new Error(`no route ${route}`);
  const pathParameters = request.params ?? (request.uid === undefined ? {} : { uid: request.uid });
  const caller = { subject: 'alice', role: 'operator' as const };
  const answer = await found.run(
    { pathParameters, query: request.query ?? {}, body: request.body, caller },
    deps(),
  );
  return { status: answer.status, body: answer.body as Answer };
};

const podsOf = (namespace: string) =>
  call('GET /api/groups/{namespace}/{name}/pods', { params: { namespace, name: 'web' } });

describe('pod action routes against the fake API server, SQLite and the local object store', () => {
  it('quarantines a pod by uid, marks it in the pod list, and audits who did it and why', async () => {
    const uid = await seedPod('api-q1');
    const before = snapshot(fake, 'api-q1');
    const answer = await call('POST /api/pods/{uid}/quarantine', {
      uid,
      body: { reason: 'exfiltration to 203.0.113.9' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.result).toMatchObject({ action: 'quarantine-pod', status: 'done' });
    const pod = fake.get('pods', 'api-q1', 'web-1');
    expect(pod?.metadata.labels?.['meshward.io/quarantine']).toBe('true');
    expect(pod?.metadata.annotations?.['meshward.io/quarantined-by']).toBe('api:alice');
    expect(fake.get('networkpolicies', 'api-q1', 'meshward-quarantine')).toBeDefined();
    expect(recorded.claims()).toMatchObject([{ kind: 'quarantine', aud: uid }]);
    const audit = await respond.store.listAudit();
    expect(audit).toMatchObject([
      {
        id: answer.body.audit,
        actor: 'api:alice',
        action: 'quarantine-pod',
        target: 'pod:api-q1/web-1',
        reason: 'exfiltration to 203.0.113.9',
        status: 'done',
      },
    ]);
    const listed = await podsOf('api-q1');
    expect(listed.body.pods).toEqual([
      {
        uid,
        namespace: 'api-q1',
        name: 'web-1',
        group: 'api-q1/web',
        lastSeen: now,
        live: true,
        quarantine: { by: 'api:alice', reason: 'exfiltration to 203.0.113.9', at: now },
      },
    ]);

    // Idempotent: a second quarantine changes nothing in the cluster and says who did it first.
    const patches = fake.callsTo('PATCH', '/namespaces/api-q1/pods/web-1').length;
    const again = await call('POST /api/pods/{uid}/quarantine', { uid, body: { reason: 'again' } });
    expect(again.status).toBe(200);
    expect(again.body.result).toMatchObject({
      status: 'unchanged',
      notes: ['already quarantined by api:alice'],
    });
    expect(fake.callsTo('PATCH', '/namespaces/api-q1/pods/web-1')).toHaveLength(patches);

    const released = await call('POST /api/pods/{uid}/release', { uid, body: { reason: 'false positive' } });
    expect(released.status).toBe(200);
    expect(released.body.result).toMatchObject({ action: 'release-pod', status: 'done' });
    expect(snapshot(fake, 'api-q1')).toEqual(before);
    expect((await podsOf('api-q1')).body.pods?.[0]).not.toHaveProperty('quarantine');
    expect((await respond.store.listAudit()).map((r) => [r.action, r.status, r.reason])).toEqual([
      ['release-pod', 'done', 'false positive'],
      ['quarantine-pod', 'unchanged', 'again'],
      ['quarantine-pod', 'done', 'exfiltration to 203.0.113.9'],
    ]);
  });

  it('refuses to release a pod that is not quarantined (409), and answers 404 for unknown or vanished pods', async () => {
    const uid = await seedPod('api-q2');
    const release = await call('POST /api/pods/{uid}/release', { uid, body: {} });
    expect(release.status).toBe(409);
    expect(release.body.message).toBe('pod api-q2/web-1 is not quarantined: there is nothing to release');
    expect(fake.callsTo('PATCH', '/namespaces/api-q2/')).toEqual([]);
    for (const route of ['quarantine', 'release', 'captures']) {
      const answer = await call(`POST /api/pods/{uid}/${route}`, {
        uid: 'no-such-uid',
        body: { reason: 'x' },
      });
      expect(answer.status).toBe(404);
      expect(answer.body.message).toContain('no pod with uid no-such-uid');
    }
    fake.touch('pods', 'api-q2', 'web-1', (pod) => {
      pod.metadata.uid = 'a-new-pod-took-the-name';
    });
    const gone = await call('POST /api/pods/{uid}/quarantine', { uid, body: { reason: 'x' } });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe('quarantine-pod not-found: pod api-q2/web-1 no longer exists');
    expect((await call('POST /api/pods/{uid}/release', { uid })).body.message).toBe(
      'pod api-q2/web-1 no longer exists in the cluster',
    );
    expect((await podsOf('nowhere')).status).toBe(404);
  });

  it('rejects bad bodies with every problem named', async () => {
    const uid = await seedPod('api-q3');
    const cases: [string, unknown, string][] = [
      ['quarantine', {}, 'reason: '],
      ['quarantine', { reason: '  ' }, 'reason: '],
      ['quarantine', { reason: 'x', controlPlanePort: 1 }, 'Unrecognized key'],
      ['captures', { beforeSeconds: 9999 }, 'beforeSeconds: '],
      ['captures', { flow: { ip: 'not-an-ip', port: 80 } }, 'flow.ip: '],
      ['captures', { bogus: true }, 'Unrecognized key'],
      ['captures', { requestId: 'x' }, 'requestId: requestId must be'],
    ];
    for (const [route, body, problem] of cases) {
      const answer = await call(`POST /api/pods/{uid}/${route}`, { uid, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.details?.join('\n'), JSON.stringify(body)).toContain(problem);
    }
    expect(await respond.store.listAudit()).toEqual([]);
  });

  it('starts a capture with a flow filter, lists it pending, then uploaded once the tap has uploaded and reported', async () => {
    const uid = await seedPod('api-c1');
    const body = {
      beforeSeconds: 10,
      afterSeconds: 5,
      flow: { ip: '10.0.0.9', port: 5432 },
      requestId: 'req-12345678',
    };
    const started = await call('POST /api/pods/{uid}/captures', { uid, body });
    expect(started.status).toBe(201);
    expect(started.body.capture).toMatchObject({
      status: 'pending',
      actor: 'api:alice',
      pod: 'api-c1/web-1',
    });
    const [command] = recorded.claims();
    expect(command).toMatchObject({
      kind: 'capture',
      beforeSeconds: 10,
      afterSeconds: 5,
      flow: { ip: '10.0.0.9', port: 5432 },
    });
    const uploadUrl = new URL(String(command?.uploadUrl));
    expect(uploadUrl.href.startsWith(`${capturesUrl}/captures/api-c1/web-1/`)).toBe(true);

    // The same request id again (a double click) starts nothing new.
    const repeated = await call('POST /api/pods/{uid}/captures', { uid, body });
    expect(repeated.status).toBe(200);
    expect(repeated.body).toMatchObject({ repeated: true, capture: { id: started.body.capture?.id } });
    expect(recorded.commands).toHaveLength(1);

    // The tap PUTs the pcap to its presigned URL, then reports the capture in its next batch.
    const key = decodeURIComponent(uploadUrl.pathname.replace(/^\/captures\//, ''));
    const q = uploadUrl.searchParams;
    expect(
      objectStore.verify('PUT', key, q.get('expires') ?? undefined, q.get('signature') ?? undefined),
    ).toBe(true);
    const pcap = new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
    await objectStore.put(key, pcap);
    const listedPending = await call('GET /api/captures');
    expect(listedPending.body.captures).toMatchObject([{ status: 'pending' }]);
    await store.putBatch({
      batchId: 'tap-batch-1',
      podUid: uid,
      receivedAt: now,
      findings: [
        {
          id: 'tap-batch-1#0',
          batchId: 'tap-batch-1',
          podUid: uid,
          namespace: 'api-c1',
          group: 'api-c1/web',
          kind: 'capture',
          at: now,
          finding: {
            type: 'capture',
            commandId: String(command?.id),
            location: `${uploadUrl.origin}${uploadUrl.pathname}`,
            packets: 0,
            bytes: pcap.length,
            from: '2026-11-26T11:59:50.000Z',
            to: '2026-11-26T12:00:05.000Z',
          },
        },
      ],
    });
    const listed = await call('GET /api/captures', { query: { pod: 'api-c1/web-1' } });
    expect(listed.body.captures).toMatchObject([
      {
        id: started.body.capture?.id,
        status: 'uploaded',
        bytes: 8,
        packets: 0,
        reason: 'capture requested through the API',
      },
    ]);
    const download = new URL(listed.body.captures?.[0]?.download ?? '');
    const d = download.searchParams;
    expect(
      objectStore.verify('GET', key, d.get('expires') ?? undefined, d.get('signature') ?? undefined),
    ).toBe(true);
    expect(await objectStore.get(key)).toEqual(pcap);
    expect((await call('GET /api/audit', { query: { action: 'capture' } })).body.audit).toHaveLength(1);
    expect((await call('GET /api/captures', { query: { pod: 'other/pod' } })).body.captures).toEqual([]);
    expect((await call('GET /api/captures', { query: { pod: 'no-slash' } })).status).toBe(400);
  });

  it('answers 502 with the reason when the Kubernetes API is not configured, and audits the failure', async () => {
    const uid = await seedPod('api-q4');
    respond = {
      ...respond,
      actionDeps: { ...respond.actionDeps, kube: unavailableKube('no Kubernetes API configured: test') },
    };
    const answer = await call('POST /api/pods/{uid}/quarantine', { uid, body: { reason: 'x' } });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({
      error: 'action-failed',
      message: 'quarantine-pod failed: no Kubernetes API configured: test',
    });
    expect(await respond.store.listAudit()).toMatchObject([{ status: 'failed', actor: 'api:alice' }]);
    expect((await call('POST /api/pods/{uid}/release', { uid })).status).toBe(502);
  });
});

describe('the API edge for pod actions', () => {
  const event = (method: string, path: string, body: unknown) =>
    ({
      rawPath: path,
      headers: { authorization: 'Bearer t' },
      requestContext: { http: { method } },
      body: JSON.stringify(body),
      isBase64Encoded: false,
    }) as unknown as APIGatewayProxyEventV2;
  const as = (role: ApiRole) => ({
    store: openSqliteStore(':memory:'),
    now: () => new Date(now),
    verifyApiToken: async () => ({ ok: true as const, value: { subject: 'bob', role } }),
  });

  it('gives a viewer 403 with the reason, for every pod action', async () => {
    for (const path of ['/api/pods/u1/quarantine', '/api/pods/u1/release', '/api/pods/u1/captures']) {
      const answer = await handleApi(event('POST', path, { reason: 'x' }), as('viewer'));
      expect(answer.statusCode).toBe(403);
      expect(JSON.parse(String(answer.body)).message).toMatch(
        /^POST \/api\/pods\/\{uid\}\/\w+ needs the operator role; you are a viewer$/,
      );
    }
  });
});
