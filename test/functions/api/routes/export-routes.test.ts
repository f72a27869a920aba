/** GET /api/export over a real SQLite store: learned rules out as each policy dialect. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { exportRoutes } from '#functions/api/routes/export-routes.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import type { Store } from '#functions/platform/store/store.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';
import { bookinfo, rulesOf } from '#test/helpers/topology.ts';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
});

const seeded = async () => {
  store = openSqliteStore(join(tempDir('meshward-export-'), 'store.db'));
  const topology = bookinfo();
  await store.putRules(rulesOf(topology));
  for (const w of topology.workloads) {
    await store.putGroup({
      key: `default/${w.name}`,
      namespace: 'default',
      name: w.name,
      kind: 'Deployment',
      mode: 'monitor',
      modeSince: '2026-11-26T10:00:00.000Z',
      meshControl: false,
      labels: { app: w.name, version: 'v1', 'pod-template-hash': 'abc123' },
    });
    await store.putPod({
      pod: { namespace: 'default', name: `${w.name}-abc123-x1`, uid: `uid-${w.name}` },
      group: `default/${w.name}`,
      workload: {
        namespace: 'default',
        kind: 'Deployment',
        name: w.name,
        serviceAccount: w.serviceAccount ?? 'default',
      },
      ips: [],
      hostNetwork: false,
      lastSeen: '2026-11-26T11:00:00.000Z',
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
  }
  return store;
};

const run = async (query: Record<string, string>) => {
  const route = exportRoutes[0];
  if (route === undefined) throw new Error('no route');
  return route.run(
    { pathParameters: {}, query, body: undefined, caller: { subject: 't', role: 'viewer' } },
    { store: await seeded(), now: () => new Date('2026-11-26T12:00:00Z') },
  );
};

describe('GET /api/export', () => {
  it("exports Istio policies with the pods' service accounts and stable selectors", async () => {
    const result = await run({ format: 'istio', namespace: 'default' });
    expect(result.status).toBe(200);
    const yaml = (result.body as { yaml: string }).yaml;
    const documents = parseAllDocuments(yaml).map((d) => d.toJS());
    const details = documents.find((d) => d.metadata.name === 'meshward-details');
    expect(details.spec.selector.matchLabels).toEqual({ app: 'details' });
    expect(details.spec.rules[0].from[0].source.principals).toEqual([
      'cluster.local/ns/default/sa/bookinfo-productpage',
    ]);
  });

  it('answers 400 naming the formats for an unknown one', async () => {
    const result = await run({ format: 'calico' });
    expect(result.status).toBe(400);
    expect(JSON.stringify(result.body)).toMatch(/networkpolicy, istio, cilium, linkerd/);
  });
});
