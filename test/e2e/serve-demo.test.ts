/** End to end: `meshward serve` replays the bundled Bookinfo capture through emulated taps; `--no-demo` does not. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '#core/rule.ts';
import { httpsRequest, type ServeProcess, startServe } from '#test/helpers/serve-process.ts';

const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'demo', 'pods.json'), 'utf8')) as {
  pods: { namespace: string; owner: { name: string } }[];
  callGraph: { from: string; to: string; port: number; protocol: string }[];
  incident: { monitor: string; offGraph: { from: string; to: string; port: number } };
};

const get = async (serve: ServeProcess, path: string) => {
  const token = readFileSync(join(serve.dataDir, 'operator.token'), 'utf8').trim();
  const result = await httpsRequest(serve.port, serve.ca, 'GET', path, undefined, {
    authorization: `Bearer ${token}`,
  });
  expect(result.status).toBe(200);
  return JSON.parse(result.body);
};

const waitFor = async (what: string, check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

const peer = (p: Rule['from']) =>
  p.type === 'group' ? `${p.namespace}/${p.name}` : p.type === 'fqdn' ? `fqdn:${p.fqdn}` : `cidr:${p.cidr}`;
const edgeKey = (e: { from: string; to: string; port: number; protocol: string }) =>
  `${e.from} → ${e.to} :${e.port} ${e.protocol}`;

/** Deployments drop the pod-template hash: `productpage-v1-7d6cfb7dfd` → `productpage-v1`. */
const groupOf = (pod: { namespace: string; owner: { name: string } }) =>
  `${pod.namespace}/${pod.owner.name.replace(/-[a-z0-9]{8,10}$/, '')}`;

describe('meshward serve: the bundled demo', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe({}, [], { demo: true });
    await waitFor('the demo replay', () => serve.output().includes('demo: replay delivered'), 90_000);
  }, 120_000);
  afterAll(async () => {
    await serve.stop();
  });

  it('says in one log line that it is demo data and how to turn it off', () => {
    const lines = serve
      .output()
      .split('\n')
      .filter((line) => line.includes('DEMO DATA'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('--no-demo');
  });

  it('lists one group per workload of the capture, by workload name (never a pod name or IP)', async () => {
    const { groups } = await get(serve, '/api/groups');
    const keys = groups.map((group: { key: string }) => group.key).sort();
    expect(keys).toEqual([...new Set(manifest.pods.map(groupOf))].sort());
  });

  it('learns every edge of the true call graph and no edge outside it (precision and recall 1)', async () => {
    const { rules } = (await get(serve, '/api/rules')) as { rules: Rule[] };
    const learned = new Set(
      rules.map((rule) =>
        edgeKey({ from: peer(rule.from), to: peer(rule.to), port: rule.port, protocol: rule.protocol }),
      ),
    );
    const truth = new Set(manifest.callGraph.map(edgeKey));
    expect([...truth].filter((edge) => !learned.has(edge))).toEqual([]);
    expect([...learned].filter((edge) => !truth.has(edge))).toEqual([]);
  });

  it('learns HTTP path templates from the ids in the paths', async () => {
    const { rules } = (await get(serve, '/api/rules')) as { rules: Rule[] };
    const details = rules.find(
      (rule) => peer(rule.from) === 'bookinfo/productpage-v1' && peer(rule.to) === 'bookinfo/details-v1',
    );
    expect(details?.http?.paths).toEqual(['/details/{param}']);
  });

  it('raises the attack as a threat and the off-graph call as a violation of the monitored group', async () => {
    const { findings: threats } = await get(serve, '/api/findings?kind=threat');
    expect(threats.map((f: { finding: { threat: string } }) => f.finding.threat)).toContain('sql-injection');
    const { findings: violations } = await get(serve, '/api/violations');
    const offGraph = violations.filter(
      (v: { group: string; finding: { peer: string; server: { port: number } } }) =>
        v.group === manifest.incident.monitor && v.finding.server.port === manifest.incident.offGraph.port,
    );
    expect(offGraph.length).toBeGreaterThan(0);
    expect(offGraph[0].finding.reason).toContain(manifest.incident.offGraph.to);
  });
});

describe('meshward serve --no-demo', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe();
  }, 60_000);
  afterAll(async () => {
    await serve.stop();
  });

  it('replays nothing: no demo log line, no groups, no rules', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(serve.output()).not.toContain('demo:');
    expect((await get(serve, '/api/groups')).groups).toEqual([]);
    expect((await get(serve, '/api/rules')).rules).toEqual([]);
  });
});
