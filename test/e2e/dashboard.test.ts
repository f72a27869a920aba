/**
 * The dashboard in headless Chromium against a real `meshward serve` whose SQLite store is seeded with
 * Bookinfo's rules plus istiod mesh-control edges, a violation and a threat; and a 500-service graph.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '#core/rule.ts';
import { createLocalIssuer, type IssuerKey } from '#functions/platform/auth/local-issuer.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import type { FindingRecord, GroupRecord, Store } from '#functions/platform/store/store.ts';
import { openSqliteResponseStore } from '#functions/respond/store/sqlite-response-store.ts';
import { httpsRequest, type ServeProcess, startServe } from '#test/helpers/serve-process.ts';
import { bookinfo, rulesOf } from '#test/helpers/topology.ts';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium)
  console.warn(`dashboard browser tests skipped: ${chromiumPath} is absent (apt-get install chromium)`);

const artifacts = join(import.meta.dirname, '..', 'artifacts', 'dashboard');
const seen = '2026-11-26T11:00:00.000Z';

const group = (namespace: string, name: string, meshControl = false): GroupRecord => ({
  key: `${namespace}/${name}`,
  namespace,
  name,
  kind: 'Deployment',
  mode: 'discover',
  modeSince: seen,
  meshControl,
  labels: { app: name },
});

const rule = (from: string, to: string, port: number, protocol: Rule['protocol']): Rule => {
  const peer = (key: string) => {
    const [namespace = '', name = ''] = key.split('/');
    return { type: 'group' as const, namespace, name };
  };
  return {
    id: `${from}>${to}:${port}`.replace(/\//g, '.'),
    from: peer(from),
    to: peer(to),
    transport: 'tcp',
    port,
    protocol,
    source: 'learned',
    hits: 42,
    firstSeen: seen,
    lastSeen: seen,
  };
};

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

/** Makes serve build its runtime (which writes operator.token), then opens the same SQLite file. */
const openServeStore = async (serve: ServeProcess): Promise<{ store: Store; token: string }> => {
  await httpsRequest(serve.port, serve.ca, 'GET', '/api/groups');
  const token = readFileSync(join(serve.dataDir, 'operator.token'), 'utf8').trim();
  return { store: openSqliteStore(join(serve.dataDir, 'meshward.db')), token };
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
  await store.putFindings([violation, threat]);
};

const graphAttr = (page: Page, name: string) => page.getAttribute('#graph', `data-${name}`);
const waitGraph = (page: Page, name: string, value: string) =>
  page.waitForSelector(`#graph[data-${name}="${value}"]`, { timeout: 8000 });
const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`) });

const launch = () =>
  chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

const signedInPage = async (browser: Browser, token: string): Promise<Page> => {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1400, height: 900 },
  });
  await context.addInitScript(`localStorage.setItem('meshward.token', ${JSON.stringify(token)})`);
  return context.newPage();
};

describe.skipIf(!hasChromium)('dashboard in Chromium: Bookinfo with istiod', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let store: Store;
  let token: string;
  let page: Page;
  const base = () => `https://localhost:${serve.port}`;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    [serve, browser] = await Promise.all([startServe({ MESHWARD_WEBHOOK_PATH_SECRET: '' }), launch()]);
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

  it('shows a viewer the mode buttons disabled', async () => {
    const key = JSON.parse(readFileSync(join(serve.dataDir, 'issuer-key.json'), 'utf8')) as IssuerKey;
    const viewer = await (await createLocalIssuer(key)).mintApiToken('viewer');
    const viewerPage = await signedInPage(browser, viewer);
    await viewerPage.goto(`${base()}/`);
    await viewerPage.click('#service-list button[data-service="default/details"]');
    await viewerPage.waitForSelector('#panel button[data-mode="monitor"]');
    expect(await viewerPage.isDisabled('#panel button[data-mode="monitor"]')).toBe(true);
    expect(await viewerPage.textContent('#who')).toBe('signed in as viewer');
  });
});

/** 500 services in 10 namespaces, each calling three others: 1500 edges. */
const seedLarge = async (store: Store) => {
  const keys = Array.from({ length: 500 }, (_, i) => `ns${i % 10}/svc-${String(i).padStart(3, '0')}`);
  for (const key of keys) {
    const [namespace = '', name = ''] = key.split('/');
    await store.putGroup(group(namespace, name));
  }
  const protocols: Rule['protocol'][] = ['http', 'grpc', 'tls'];
  const rules = keys.flatMap((key, i) =>
    [1, 7, 31].map((step, j) =>
      rule(key, keys[(i + step) % keys.length] ?? key, 8080 + j, protocols[j] ?? 'http'),
    ),
  );
  await store.putRules(rules);
};

describe.skipIf(!hasChromium)('dashboard in Chromium: 500 services, 1500 edges', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let store: Store;
  let token: string;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    [serve, browser] = await Promise.all([startServe({ MESHWARD_WEBHOOK_PATH_SECRET: '' }), launch()]);
    ({ store, token } = await openServeStore(serve));
    await seedLarge(store);
  });
  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await serve?.stop();
  });

  it('loads and reports the graph ready within 10 s, and filters it within 2 s', async () => {
    const page = await signedInPage(browser, token);
    await page.goto(`https://localhost:${serve.port}/`); // warm the build and the caches
    await page.waitForSelector('#graph[data-ready="true"]', { timeout: 20_000 });
    const started = performance.now();
    await page.reload();
    await page.waitForSelector('#graph[data-ready="true"]', { timeout: 20_000 });
    const loadMs = performance.now() - started;
    expect(await graphAttr(page, 'nodes')).toBe('500');
    expect(await graphAttr(page, 'edges')).toBe('1500');
    const filterStarted = performance.now();
    await page.selectOption('#filter-namespace', 'ns3');
    await page.waitForSelector('#graph[data-ready="true"]:not([data-nodes="500"])');
    const filterMs = performance.now() - filterStarted;
    await shot(page, '10-large-graph');
    console.info(
      `dashboard 500 services / 1500 edges: ready ${Math.round(loadMs)} ms after reload (render ${await graphAttr(page, 'render-ms')} ms), namespace filter ${Math.round(filterMs)} ms`,
    );
    expect(loadMs).toBeLessThan(10_000);
    expect(filterMs).toBeLessThan(2000);
  });
});
