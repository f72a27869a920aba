/**
 * The dashboard in headless Chromium against a real `meshward serve` whose SQLite store is seeded with
 * Bookinfo's rules plus istiod mesh-control edges, a violation and a threat; and a 500-service graph.
 * Pod actions reach the fake Kubernetes API server the respond tests use (serve reads its kubeconfig).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '#core/rule.ts';
import { createLocalIssuer, type IssuerKey } from '#functions/platform/auth/local-issuer.ts';
import type { FindingRecord, GroupRecord, Store } from '#functions/platform/store/store.ts';
import { openSqliteResponseStore } from '#functions/respond/store/sqlite-response-store.ts';
import { flow } from '#test/functions/platform/factories.ts';
import { snapshot } from '#test/functions/respond/kube-fixtures.ts';
import {
  chromiumPath,
  graphAttr,
  hasChromium,
  launchChromium,
  signedInPage,
} from '#test/helpers/dashboard-browser.ts';
import { group, openServeStore, rule, seen } from '#test/helpers/dashboard-records.ts';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/fake-kube-api.ts';
import { largeGraph, largeGraphInNamespace, seedLargeGraph } from '#test/helpers/large-service-graph.ts';
import { httpsRequest, type ServeProcess, startServe } from '#test/helpers/serve-process.ts';
import { bookinfo, rulesOf } from '#test/helpers/topology.ts';

if (!hasChromium)
  console.warn(`dashboard browser tests skipped: ${chromiumPath} is absent (apt-get install chromium)`);

const artifacts = join(import.meta.dirname, '..', 'artifacts', 'dashboard');

const endpoints = { client: { ip: '10.0.0.5', port: 41000 }, server: { ip: '10.0.0.6', port: 9080 } };

const violation: FindingRecord = {
  id: 'v-details-ratings',
  batchId: 'seed',
  namespace: 'default',
  group: 'default/ratings',
  kind: 'violation',
  at: seen,
  finding: {
    type: 'violation',
    transport: 'tcp',
    ...endpoints,
    protocol: 'http',
    group: 'default/ratings',
    peer: 'default/details',
    mode: 'monitor',
    reason: 'no rule allows default/details to call default/ratings on 9080',
    firstSeen: seen,
    lastSeen: seen,
  },
  proposal: { ...rule('default/details', 'default/ratings', 9080, 'http'), source: 'manual', hits: 0 },
};

const threat: FindingRecord = {
  id: 't-productpage-sqli',
  batchId: 'seed',
  namespace: 'default',
  group: 'default/productpage',
  kind: 'threat',
  at: seen,
  finding: {
    type: 'threat',
    threat: 'sql-injection',
    severity: 'high',
    confidence: 0.9,
    transport: 'tcp',
    ...endpoints,
    protocol: 'http',
    evidence: "GET /productpage?u=1' OR '1'='1",
    firstSeen: seen,
    lastSeen: seen,
    count: 3,
  },
};

/**
 * A flow into productpage from an ingress the tap trusts, which named three clients (ADR 31); two more are what a
 * hostile tap or an older one could send: the schema bounds an address's length, not its characters.
 */
const hostileClients = ['<script>alert(1)</script>', '<img src=x onerror=window.pwned=1>'];
const forwardedFlow: FindingRecord = {
  id: 'f-ingress-productpage',
  batchId: 'seed',
  namespace: 'default',
  group: 'default/productpage',
  kind: 'flow',
  at: seen,
  finding: flow({
    client: { ip: '10.0.0.9', port: 52000 },
    server: { ip: '10.0.0.7', port: 9080 },
    bytes: { toServer: 1200, toClient: 48_000 },
    packets: { toServer: 12, toClient: 40 },
    firstSeen: seen,
    lastSeen: seen,
    l7: {
      http: { methods: ['GET'], paths: ['/productpage'] },
      forwarded: {
        clients: [
          { ip: '203.0.113.7', by: 'x-forwarded-for' },
          { ip: '198.51.100.2', by: 'x-forwarded-for' },
          ...hostileClients.map((ip) => ({ ip, by: 'x-forwarded-for' as const })),
        ],
        otherRequests: 5,
      },
    },
  }),
};

const seedBookinfo = async (store: Store) => {
  const app = bookinfo();
  for (const workload of app.workloads) {
    await store.putGroup(group('default', workload.name));
    await store.putPod({
      pod: { namespace: 'default', name: `${workload.name}-0`, uid: `uid-${workload.name}` },
      group: `default/${workload.name}`,
      workload: {
        namespace: 'default',
        kind: 'Deployment',
        name: workload.name,
        ...(workload.serviceAccount === undefined ? {} : { serviceAccount: workload.serviceAccount }),
      },
      ips: [],
      hostNetwork: false,
      lastSeen: seen,
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
  }
  await store.putGroup(group('istio-system', 'istiod', true));
  await store.putRules([
    ...rulesOf(app),
    rule('default/productpage', 'istio-system/istiod', 15012, 'tls'),
    rule('default/reviews', 'istio-system/istiod', 15012, 'tls'),
  ]);
  await store.putFindings([violation, threat, forwardedFlow]);
};

/** A free loopback port, so serve can be told its own URL (capture links point at the control plane). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The fake API server with Bookinfo's productpage pod, and a kubeconfig file serve can read. */
const startFakeCluster = async (): Promise<{ fake: FakeKubeApi; kubeconfig: string }> => {
  const fake = await startFakeKubeApi();
  fake.put('pods', {
    metadata: {
      name: 'productpage-0',
      namespace: 'default',
      uid: 'uid-productpage',
      labels: { app: 'productpage', 'pod-template-hash': '6b8d5c4f7' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'productpage-v1-6b8d5c4f7',
          uid: 'uid-rs',
          controller: true,
        },
      ],
    },
    spec: {
      containers: [{ name: 'productpage', image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.2' }],
    },
  });
  return { fake, kubeconfig: fake.kubeConfigFile() };
};

const pcapFixture = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'pcap', 'three-flows.pcap'));

/** Records in a classic pcap: a 24-byte file header, then a 16-byte header (captured length at 8) per record. */
const pcapRecords = (bytes: Buffer): number => {
  let count = 0;
  for (let offset = 24; offset + 16 <= bytes.length; count++) offset += 16 + bytes.readUInt32LE(offset + 8);
  return count;
};

/** The tap's upload: one HTTPS PUT of the pcap bytes to the presigned path. */
const putPcap = (serve: ServeProcess, path: string, bytes: Buffer) =>
  new Promise<number>((resolve, reject) => {
    const put = request(
      {
        host: 'localhost',
        port: serve.port,
        method: 'PUT',
        path,
        ca: serve.ca,
        headers: { 'content-type': 'application/vnd.tcpdump.pcap', 'content-length': bytes.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    put.on('error', reject);
    put.end(bytes);
  });

/** What a tap does with a capture command: it polls with a batch, PUTs the pcap to the command's URL, reports it. */
const playTap = async (serve: ServeProcess, podToken: string) => {
  const pod = { namespace: 'default', name: 'productpage-0', uid: 'uid-productpage' };
  const post = (findings: unknown[]) =>
    httpsRequest(
      serve.port,
      serve.ca,
      'POST',
      '/findings',
      JSON.stringify({ version: 1, batchId: randomUUID(), pod, sentAt: new Date().toISOString(), findings }),
      { authorization: `Bearer ${podToken}` },
    );
  const polled = await post([]);
  expect(polled.status).toBe(200);
  const commands = (JSON.parse(polled.body).commands as string[]).map((token) => decodeJwt(token));
  const command = commands.find((claims) => claims.kind === 'capture');
  expect(command).toMatchObject({ beforeSeconds: 5, afterSeconds: 1 });
  const upload = new URL(String(command?.uploadUrl));
  expect(upload.origin).toBe(`https://localhost:${serve.port}`);
  expect(await putPcap(serve, `${upload.pathname}${upload.search}`, pcapFixture)).toBe(201);
  const reported = await post([
    {
      type: 'capture',
      commandId: String(command?.id),
      location: `${upload.origin}${upload.pathname}`,
      packets: pcapRecords(pcapFixture),
      bytes: pcapFixture.length,
      from: new Date(Date.now() - 5000).toISOString(),
      to: new Date().toISOString(),
    },
  ]);
  expect(reported.status).toBe(200);
};

const waitGraph = (page: Page, name: string, value: string) =>
  page.waitForSelector(`#graph[data-${name}="${value}"]`, { timeout: 8000 });
const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`) });
const listedServices = (page: Page) =>
  page.$$eval('#service-list button', (buttons) => buttons.map((b) => b.dataset.service));

describe.skipIf(!hasChromium)('dashboard in Chromium: Bookinfo with istiod', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let store: Store;
  let token: string;
  let page: Page;
  let fake: FakeKubeApi;
  const base = () => `https://localhost:${serve.port}`;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    const cluster = await startFakeCluster();
    fake = cluster.fake;
    const port = await freePort();
    const env = {
      MESHWARD_WEBHOOK_PATH_SECRET: '',
      MESHWARD_KUBECONFIG: cluster.kubeconfig,
      MESHWARD_CONTROL_PLANE_URL: `https://localhost:${port}`,
    };
    [serve, browser] = await Promise.all([startServe(env, ['--port', String(port)]), launchChromium()]);
    ({ store, token } = await openServeStore(serve));
    await seedBookinfo(store);
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1400, height: 900 },
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await serve?.stop();
    await fake?.stop();
  });

  it('serves the page and its hashed bundles with the right types and caching', async () => {
    const index = await httpsRequest(serve.port, serve.ca, 'GET', '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    const script = /src="(\/ui\/app-[A-Z0-9]+\.js)"/.exec(index.body)?.[1];
    expect(script).toBeDefined();
    const bundle = await httpsRequest(serve.port, serve.ca, 'GET', script ?? '');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await httpsRequest(serve.port, serve.ca, 'GET', '/ui/nope.js')).status).toBe(404);
  });

  it('refuses a bad token with a clear message, then signs in with the operator token', async () => {
    await page.goto(`${base()}/`);
    await page.fill('#token', 'not-a-token');
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('form.login [role=alert]');
    expect(await page.textContent('form.login [role=alert]')).toMatch(
      /refused the token \(401\): token is malformed/,
    );
    await shot(page, '01-login-refused');
    await page.fill('#token', token);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('#graph[data-ready="true"]');
    expect(await page.textContent('#who')).toBe('signed in as operator');
  });

  it('draws the services and edges, mesh control traffic hidden by default', async () => {
    expect(await graphAttr(page, 'nodes')).toBe('4');
    // three Bookinfo rules plus the details → ratings violation
    expect(await graphAttr(page, 'edges')).toBe('4');
    expect(await graphAttr(page, 'mesh-edges')).toBe('0');
    const services = await page.$$eval('#service-list button', (buttons) =>
      buttons.map((b) => b.dataset.service),
    );
    expect(services).toEqual([
      'default/details',
      'default/productpage',
      'default/ratings',
      'default/reviews',
    ]);
    await shot(page, '02-graph');
  });

  it('shows istiod and its edges with one toggle, and hides them again', async () => {
    await page.check('#filter-mesh');
    await waitGraph(page, 'edges', '6');
    expect(await graphAttr(page, 'nodes')).toBe('5');
    expect(await graphAttr(page, 'mesh-edges')).toBe('2');
    await shot(page, '03-graph-with-mesh');
    await page.uncheck('#filter-mesh');
    await waitGraph(page, 'edges', '4');
    expect(await graphAttr(page, 'nodes')).toBe('4');
  });

  it('filters to violations only and to one protocol', async () => {
    await page.check('#filter-violations');
    await waitGraph(page, 'edges', '1');
    expect(await graphAttr(page, 'nodes')).toBe('2');
    await page.uncheck('#filter-violations');
    await page.check('#filter-encrypted');
    await waitGraph(page, 'edges', '0');
    await page.uncheck('#filter-encrypted');
    await waitGraph(page, 'edges', '4');
  });

  it('opens a service from the keyboard list: its rules, threats and violations', async () => {
    await page.focus('#service-list button[data-service="default/reviews"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#panel[data-service="default/reviews"] li[data-rule]');
    const rules = await page.$$eval('#panel li[data-rule]', (items) =>
      items.map((i) => i.getAttribute('data-rule')),
    );
    expect(rules).toEqual(expect.arrayContaining(['reviews-ratings-9080', 'productpage-reviews-9080']));
    expect(rules).toHaveLength(3);
    await page.click('#service-list button[data-service="default/productpage"]');
    await page.waitForSelector('#panel[data-service="default/productpage"] li.finding.threat');
    expect(await page.textContent('#panel li.finding.threat')).toContain('sql-injection');
    await shot(page, '04-service-panel');
  });

  it("lists the service's recent flows, with the clients a trusted proxy forwarded for, hostile ones as text", async () => {
    const line = '#panel[data-service="default/productpage"] li.finding.flow';
    await page.waitForSelector(line, { timeout: 8000 });
    expect(await page.textContent(line)).toContain(
      `flow: http forwarded for 203.0.113.7, 198.51.100.2, ${hostileClients.join(', ')} ` +
        '(+5 requests for other clients) via proxy 10.0.0.9:52000 → 10.0.0.7:9080',
    );
    const html = await page.$eval(line, (item) => item.innerHTML);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=window.pwned=1&gt;');
    expect(await page.$$('#panel script, #panel img')).toHaveLength(0);
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    await page.$eval(line, (item) => item.scrollIntoView());
    await shot(page, '04a-service-flows');
  });

  it('switches the service to protect mode through the API', async () => {
    await page.click('#panel button[data-mode="protect"]');
    await page.waitForSelector('#panel [data-current-mode="protect"]');
    const groups = await httpsRequest(serve.port, serve.ca, 'GET', '/api/groups', undefined, {
      authorization: `Bearer ${token}`,
    });
    const modes = JSON.parse(groups.body).groups.map((g: GroupRecord) => [g.key, g.mode]);
    expect(modes).toContainEqual(['default/productpage', 'protect']);
    expect(modes).toContainEqual(['default/reviews', 'discover']);
  });

  it("exports the service's own policy, downloads it, and explains when a format has none for it", async () => {
    await page.selectOption('#panel select[name=format]', 'networkpolicy');
    await page.click('#panel button.run-export');
    await page.waitForSelector('#panel pre.yaml');
    const yaml = (await page.textContent('#panel pre.yaml')) ?? '';
    expect(yaml).toContain('kind: NetworkPolicy');
    expect(yaml).toContain('name: meshward-productpage');
    expect(yaml).not.toContain('name: meshward-details');
    await shot(page, '05-service-export');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#panel button.download'),
    ]);
    expect(download.suggestedFilename()).toBe('meshward-networkpolicy-default-productpage.yaml');
    await download.saveAs(join(artifacts, download.suggestedFilename()));
    expect(readFileSync(join(artifacts, download.suggestedFilename()), 'utf8')).toBe(yaml);
    // Istio policies select the destination: productpage receives no learned traffic, so it has none.
    await page.selectOption('#panel select[name=format]', 'istio');
    await page.click('#panel button.run-export');
    await page.waitForSelector(
      '#panel .export-note:has-text("No istio document is about default/productpage")',
    );
    expect(await page.textContent('#panel pre.yaml')).toContain('name: meshward-reviews');
  });

  it('quarantines a pod from the service panel after a confirm dialog (Esc cancels); the pod is marked and audited', async () => {
    const pod = '#panel li[data-pod="productpage-0"]';
    await page.waitForSelector(`${pod}[data-quarantined="false"]`);
    await page.click(`${pod} button[data-action=quarantine]`);
    await page.waitForSelector('dialog[open] textarea[name=reason]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog', { state: 'detached' });
    expect(await page.$eval(':focus', (node) => node.getAttribute('data-action'))).toBe('quarantine');
    expect(fake.callsTo('PATCH')).toEqual([]);
    await page.keyboard.press('Enter');
    await page.fill('dialog[open] textarea[name=reason]', 'sql-injection from 10.0.0.5');
    await shot(page, '05a-quarantine-dialog');
    await page.click('dialog[open] button.confirm');
    await page.waitForSelector(`${pod}[data-quarantined="true"]`);
    expect(await page.textContent(`${pod} .pod-state`)).toMatch(
      /^quarantined by api:meshward:operator .*: sql-injection from 10\.0\.0\.5$/,
    );
    expect(await page.textContent('#panel .pod-outcome')).toMatch(/^productpage-0: quarantine-pod done/);
    const labelled = fake.get('pods', 'default', 'productpage-0');
    expect(labelled?.metadata.labels?.['meshward.io/quarantine']).toBe('true');
    expect(fake.get('networkpolicies', 'default', 'meshward-quarantine')).toBeDefined();
    await shot(page, '05b-pod-quarantined');
    await page.click('[role=tab][data-view=audit]');
    const row = '#view-audit tr:has-text("quarantine-pod"):has-text("api:meshward:operator")';
    await page.waitForSelector(row);
    expect(await page.textContent(row)).toContain('pod:default/productpage-0');
    await shot(page, '05c-audit-quarantine');
  });

  it("releases the pod: quarantine's label, annotations and policy are gone, the pod unmarked, the release audited", async () => {
    await page.click('[role=tab][data-view=graph]');
    const pod = '#panel li[data-pod="productpage-0"]';
    await page.click(`${pod} button[data-action=release]`);
    await page.fill('dialog[open] textarea[name=reason]', 'false positive: a pentest');
    await page.click('dialog[open] button.confirm');
    await page.waitForSelector(`${pod}[data-quarantined="false"]`);
    const after = snapshot(fake, 'default');
    expect(after.networkpolicies).toEqual([]);
    expect(after.pods[0]?.metadata.labels).toEqual({ app: 'productpage', 'pod-template-hash': '6b8d5c4f7' });
    // Quarantine's own annotations are gone (meshward.io/commands is how commands reach a tap that has not reported).
    expect(
      Object.keys(after.pods[0]?.metadata.annotations ?? {}).filter((k) => k.includes('quarantine')),
    ).toEqual([]);
    await page.click('[role=tab][data-view=audit]');
    await page.waitForSelector(
      '#view-audit tr:has-text("release-pod"):has-text("false positive: a pentest")',
    );
    await page.click('[role=tab][data-view=graph]');
  });

  it('starts a capture (pending), then — the test playing the tap: command, upload, report — lists it uploaded and downloads it', async () => {
    await page.click('#panel li[data-pod="productpage-0"] button[data-action=capture]');
    await page.fill('dialog[open] input[name=before]', '5');
    await page.fill('dialog[open] input[name=after]', '1');
    await page.click('dialog[open] button.confirm');
    await page.waitForSelector('#panel .pod-outcome:has-text("capture done")');
    await page.click('[role=tab][data-view=captures]');
    await page.waitForSelector('#view-captures tr[data-status=pending]');
    expect(await page.textContent('#view-captures tr[data-status=pending]')).toContain(
      'default/productpage-0',
    );
    await shot(page, '05d-capture-pending');
    const key = JSON.parse(readFileSync(join(serve.dataDir, 'issuer-key.json'), 'utf8')) as IssuerKey;
    const podToken = await (await createLocalIssuer(key)).mintPodToken(
      { namespace: 'default', name: 'productpage-0', uid: 'uid-productpage' },
      { serviceAccount: 'bookinfo-productpage' },
    );
    await playTap(serve, podToken);
    // The view polls: the upload shows up without a reload.
    await page.waitForSelector('#view-captures tr[data-status=uploaded]', { timeout: 12_000 });
    await shot(page, '05e-capture-uploaded');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#view-captures tr[data-status=uploaded] a[download]'),
    ]);
    const saved = join(artifacts, 'capture-productpage-0.pcap');
    await download.saveAs(saved);
    expect(readFileSync(saved).equals(pcapFixture)).toBe(true);
  });

  it('shows an action taken elsewhere (the API) in the open audit log on its next poll; a repeated request id starts nothing new', async () => {
    await page.click('[role=tab][data-view=audit]');
    const rows = '#view-audit tr:has-text("capture requested through the API")';
    await page.waitForSelector(rows);
    expect(await page.$$eval(rows, (found) => found.length)).toBe(1);
    const post = () =>
      httpsRequest(
        serve.port,
        serve.ca,
        'POST',
        '/api/pods/uid-productpage/captures',
        JSON.stringify({ requestId: 'e2e-live-0001', afterSeconds: 0, reason: 'from the CLI' }),
        { authorization: `Bearer ${token}` },
      );
    expect((await post()).status).toBe(201);
    await page.waitForSelector('#view-audit tr:has-text("from the CLI")', { timeout: 8000 });
    const again = await post();
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ repeated: true, capture: { reason: 'from the CLI' } });
    const audit = await httpsRequest(serve.port, serve.ca, 'GET', '/api/audit?action=capture', undefined, {
      authorization: `Bearer ${token}`,
    });
    const reasons = (JSON.parse(audit.body).audit as { reason: string }[]).map((record) => record.reason);
    expect(reasons.filter((reason) => reason === 'from the CLI')).toHaveLength(1);
    await page.click('[role=tab][data-view=graph]');
  });

  it('lists, searches and filters rules in the rules table', async () => {
    await page.click('[role=tab][data-view=rules]');
    await page.waitForSelector('table.rules tbody tr');
    expect(await page.$$eval('table.rules tbody tr', (rows) => rows.length)).toBe(5);
    await page.fill('input[name=search]', 'ratings');
    expect(await page.$$eval('table.rules tbody tr', (rows) => rows.length)).toBe(1);
    await page.fill('input[name=search]', '');
    await page.selectOption('select[name=group]', 'istio-system/istiod');
    expect(await page.$$eval('table.rules tbody tr', (rows) => rows.length)).toBe(2);
    await shot(page, '06-rules');
  });

  it('shows the timeline, and the export view with a NetworkPolicy', async () => {
    await page.click('[role=tab][data-view=timeline]');
    await page.waitForSelector('.timeline li[data-kind=violation]');
    expect(await page.$$eval('.timeline li', (items) => items.map((i) => i.dataset.kind).sort())).toEqual([
      'threat',
      'violation',
    ]);
    await shot(page, '07-timeline');
    await page.click('.timeline li[data-kind=violation] button');
    const manualRules = async () => {
      const answer = await httpsRequest(serve.port, serve.ca, 'GET', '/api/rules', undefined, {
        authorization: `Bearer ${token}`,
      });
      return (JSON.parse(answer.body).rules as Rule[])
        .filter((r) => r.source === 'manual')
        .map(
          (r) =>
            `${r.from.type === 'group' ? r.from.name : ''}>${r.to.type === 'group' ? r.to.name : ''}:${r.port}`,
        );
    };
    await expect.poll(manualRules, { timeout: 5000 }).toEqual(['details>ratings:9080']);
    const audit = openSqliteResponseStore(join(serve.dataDir, 'respond.db'));
    await audit.appendAudit({
      id: 'a-1',
      at: seen,
      actor: 'slack:U024BE7LH',
      action: 'quarantine-pod',
      target: 'pod:default/productpage-0',
      reason: 'sql-injection from 10.0.0.5',
      status: 'applied',
      detail: ['labelled meshward.io/quarantine=true'],
    });
    await audit.close();
    await page.click('[role=tab][data-view=audit]');
    await page.waitForSelector('#view-audit tr[data-audit="a-1"]');
    expect(await page.textContent('#view-audit tr[data-audit="a-1"]')).toContain('quarantine-pod');
    await page.click('[role=tab][data-view=export]');
    await page.selectOption('#view-export select[name=namespace]', 'default');
    await page.click('#view-export button.run-export');
    await page.waitForSelector('#view-export pre.yaml');
    expect(await page.textContent('#view-export pre.yaml')).toContain('kind: NetworkPolicy');
    await shot(page, '08-export');
  });

  it('adds a new service on the next poll without laying the graph out again', async () => {
    await page.click('[role=tab][data-view=graph]');
    await waitGraph(page, 'nodes', '4');
    expect(await graphAttr(page, 'layout-runs')).toBe('1');
    await store.putGroup(group('default', 'reviews-cache'));
    await store.putRules([rule('default/reviews', 'default/reviews-cache', 6379, 'redis')]);
    await waitGraph(page, 'nodes', '5');
    expect(await graphAttr(page, 'edges')).toBe('6');
    expect(await graphAttr(page, 'layout-runs')).toBe('1');
    await page.click('#fit');
    expect(await graphAttr(page, 'layout-runs')).toBe('1');
    await shot(page, '09-graph-after-poll');
  });

  it('shows a viewer the mode and pod action buttons disabled, with a hint', async () => {
    const key = JSON.parse(readFileSync(join(serve.dataDir, 'issuer-key.json'), 'utf8')) as IssuerKey;
    const viewer = await (await createLocalIssuer(key)).mintApiToken('viewer');
    const viewerPage = await signedInPage(browser, viewer);
    await viewerPage.goto(`${base()}/`);
    await viewerPage.click('#service-list button[data-service="default/details"]');
    await viewerPage.waitForSelector('#panel button[data-mode="monitor"]');
    expect(await viewerPage.isDisabled('#panel button[data-mode="monitor"]')).toBe(true);
    await viewerPage.click('#service-list button[data-service="default/productpage"]');
    await viewerPage.waitForSelector('#panel li[data-pod="productpage-0"]');
    for (const action of ['quarantine', 'capture'])
      expect(
        await viewerPage.isDisabled(`#panel li[data-pod="productpage-0"] button[data-action=${action}]`),
      ).toBe(true);
    expect(await viewerPage.textContent('#panel .pods-section .hint')).toContain(
      'you are signed in as a viewer',
    );
    const refused = await httpsRequest(
      serve.port,
      serve.ca,
      'POST',
      '/api/pods/uid-productpage/quarantine',
      JSON.stringify({ reason: 'a viewer tries' }),
      { authorization: `Bearer ${viewer}` },
    );
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).message).toBe(
      'POST /api/pods/{uid}/quarantine needs the operator role; you are a viewer',
    );
    await shot(viewerPage, '11-viewer-pods');
    expect(await viewerPage.textContent('#who')).toBe('signed in as viewer');
  });
});

describe.skipIf(!hasChromium)('dashboard in Chromium: 500 services, 1500 edges', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let store: Store;
  let token: string;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    [serve, browser] = await Promise.all([
      startServe({ MESHWARD_WEBHOOK_PATH_SECRET: '' }),
      launchChromium(),
    ]);
    ({ store, token } = await openServeStore(serve));
    await seedLargeGraph(store);
  });
  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await serve?.stop();
  });

  // How fast (ready within 10 s, filtered within 2 s) is bench/dashboard-graph.ts's to say: `npm run bench dashboard-graph`.
  it('draws and lists every service and edge, and the namespace filter shows exactly its part', async () => {
    const page = await signedInPage(browser, token);
    await page.goto(`https://localhost:${serve.port}/`);
    await page.waitForSelector('#graph[data-ready="true"]', { timeout: 20_000 });
    expect(await graphAttr(page, 'nodes')).toBe(String(largeGraph.services.length));
    expect(await graphAttr(page, 'edges')).toBe(String(largeGraph.edges));
    expect(await listedServices(page)).toEqual(largeGraph.services);
    const ns3 = largeGraphInNamespace('ns3');
    // ns3's 50 services, the 100 in ns4 and ns0 they call and the 100 in ns2 and ns6 that call them; 150 calls each way.
    expect([ns3.services.length, ns3.edges]).toEqual([250, 300]);
    await page.selectOption('#filter-namespace', 'ns3');
    await page.waitForSelector(`#graph[data-ready="true"][data-edges="${ns3.edges}"]`, { timeout: 20_000 });
    expect(await graphAttr(page, 'nodes')).toBe(String(ns3.services.length));
    expect(await listedServices(page)).toEqual(ns3.services);
    await shot(page, '10-large-graph');
  });
});
