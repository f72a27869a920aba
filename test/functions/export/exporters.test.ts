/** Exporters: golden files for two real topologies, schema validation, and scores against hand-written policies. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CiliumNetworkPolicy } from '@kubernetes-models/cilium/cilium.io/v2/CiliumNetworkPolicy';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Rule } from '#core/rule.ts';
import { exporters } from '#functions/export/index.ts';
import { renderYaml } from '#functions/export/render-yaml.ts';
import { crdValidator } from '#test/helpers/crd-validator.ts';
import { istioAllows, networkPoliciesAllow } from '#test/helpers/policy-evaluators.ts';
import { bookinfo, corpusApps, onlineBoutique, rulesOf, type Topology } from '#test/helpers/topology.ts';

const goldenDir = join(import.meta.dirname, '..', '..', 'fixtures', 'export');

const gatewayRule: Rule = {
  id: 'istio-ingressgateway-productpage-9080',
  from: { type: 'group', namespace: 'istio-system', name: 'istio-ingressgateway' },
  to: { type: 'group', namespace: 'default', name: 'productpage' },
  transport: 'tcp',
  port: 9080,
  protocol: 'http',
  http: { methods: ['GET'], paths: ['/productpage', '/static/{path}'] },
  source: 'learned',
  hits: 500,
  firstSeen: '2026-11-26T10:00:00.000Z',
  lastSeen: '2026-11-26T11:00:00.000Z',
};
const gateway = {
  namespace: 'istio-system',
  name: 'istio-ingressgateway',
  selector: { istio: 'ingressgateway' },
  serviceAccount: 'istio-ingressgateway-service-account',
};

const inputs: Record<string, () => Parameters<(typeof exporters)[number]['export']>[0]> = {
  'online-boutique': () => ({ rules: rulesOf(onlineBoutique()), workloads: onlineBoutique().workloads }),
  bookinfo: () => ({
    rules: [...rulesOf(bookinfo()), gatewayRule],
    workloads: [...bookinfo().workloads, gateway],
  }),
};

const validators: Record<string, (object: any) => void> = {
  networkpolicy: (object) => new NetworkPolicy(object).validate(),
  cilium: (object) => new CiliumNetworkPolicy(object).validate(),
  istio: (object) => crdValidator('istio', object.kind, object.apiVersion)(object),
  linkerd: (object) => crdValidator('linkerd', object.kind, object.apiVersion)(object),
};

describe.each(Object.keys(inputs))('export of %s', (topology) => {
  it.each(exporters.map((e) => [e.id, e] as const))(
    '%s: matches its golden file, is deterministic and schema-valid',
    (id, exporter) => {
      const input = inputs[topology]?.();
      if (input === undefined) throw new Error('no input');
      const result = exporter.export(input);
      const yaml = renderYaml(result, [`meshward export --format ${id}: ${topology}`]);
      expect(renderYaml(exporter.export(input), [`meshward export --format ${id}: ${topology}`])).toBe(yaml);
      const golden = join(goldenDir, `${topology}.${id}.yaml`);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, yaml);
      expect(existsSync(golden), `missing ${golden}: run with UPDATE_GOLDEN=1 and review the diff`).toBe(
        true,
      );
      expect(yaml).toBe(readFileSync(golden, 'utf8'));
      for (const document of result.documents)
        expect(() => validators[id]?.(document.object), JSON.stringify(document.object)).not.toThrow();
      expect(parseAllDocuments(yaml).every((doc) => doc.errors.length === 0)).toBe(true);
    },
  );
});

type Flow = { src: string; dst: string; port: number };

const scoreNetworkPolicies = (topology: Topology, policies: any[]) => {
  const pods = new Map(topology.workloads.map((w) => [w.name, { namespace: 'default', labels: w.selector }]));
  const truth = new Set(topology.edges.map((e) => `${e.from}>${e.to}:${e.port}`));
  const universe: Flow[] = topology.workloads.flatMap((src) =>
    topology.workloads
      .filter((dst) => dst !== src)
      .flatMap((dst) => dst.ports.map((port) => ({ src: src.name, dst: dst.name, port }))),
  );
  const allowed = universe.filter((f) =>
    networkPoliciesAllow(policies, pods.get(f.src) as any, pods.get(f.dst) as any, f.port),
  );
  const key = (f: Flow) => `${f.src}>${f.dst}:${f.port}`;
  return {
    recall: allowed.filter((f) => truth.has(key(f))).length / truth.size,
    extra: allowed.filter((f) => !truth.has(key(f))).length,
    universe: universe.length,
  };
};

describe('scores against the policies people wrote for these applications', () => {
  it('Online Boutique: our NetworkPolicies allow every real call and fewer off-graph calls than the hand-written ones', () => {
    const topology = onlineBoutique();
    const ours =
      exporters[0]
        ?.export({ rules: rulesOf(topology), workloads: topology.workloads })
        .documents.map((d) => d.object) ?? [];
    const dir = join(corpusApps, 'online-boutique', 'network-policies');
    const files = [
      'deny-all',
      'adservice',
      'cartservice',
      'checkoutservice',
      'currencyservice',
      'emailservice',
      'frontend',
      'loadgenerator',
      'paymentservice',
      'productcatalogservice',
      'recommendationservice',
      'redis',
      'shippingservice',
    ];
    const theirs = files.map((f) =>
      parseAllDocuments(readFileSync(join(dir, `network-policy-${f}.yaml`), 'utf8'))[0]?.toJS(),
    );
    const oursScore = scoreNetworkPolicies(topology, ours);
    const theirScore = scoreNetworkPolicies(topology, theirs);
    console.log(
      `Online Boutique NetworkPolicy: ours recall ${oursScore.recall}, extra ${oursScore.extra}/${oursScore.universe}; hand-written recall ${theirScore.recall}, extra ${theirScore.extra}`,
    );
    expect(theirScore.recall).toBe(1);
    expect(oursScore.recall).toBe(1);
    expect(oursScore.extra).toBeLessThanOrEqual(theirScore.extra);
  });

  it("Bookinfo: our AuthorizationPolicies allow every real request and fewer others than Istio's task", () => {
    const topology = bookinfo();
    const input = inputs.bookinfo?.();
    if (input === undefined) throw new Error('no input');
    const ours = (exporters.find((e) => e.id === 'istio')?.export(input).documents ?? []).map(
      (d) => d.object,
    );
    const theirs = parseAllDocuments(
      readFileSync(join(corpusApps, 'bookinfo', 'authz-http.yaml'), 'utf8'),
    ).map((d) => d.toJS());
    const principals = [...topology.workloads, gateway].map(
      (w) => `cluster.local/ns/${w.namespace}/sa/${w.serviceAccount}`,
    );
    const truth = [
      ...topology.edges.map((e) => ({
        from: e.from,
        to: e.to,
        path: (e.paths?.[0] ?? '/').replace('{id}', '0'),
      })),
      { from: 'istio-ingressgateway', to: 'productpage', path: '/productpage' },
    ];
    const principalOf = (name: string) =>
      principals.find((p) =>
        p.includes(
          `/sa/${name === 'istio-ingressgateway' ? 'istio-ingressgateway-service-account' : `bookinfo-${name}`}`,
        ),
      ) ?? '';
    const requests = topology.workloads.flatMap((dst) =>
      principals.flatMap((principal) =>
        ['GET', 'POST'].flatMap((method) =>
          ['/productpage', `/${dst.name}/0`, '/admin'].map((path) => ({
            principal,
            namespace: 'default',
            labels: dst.selector,
            port: 9080,
            method,
            path,
            dst: dst.name,
          })),
        ),
      ),
    );
    const isTrue = (r: (typeof requests)[number]) =>
      r.method === 'GET' &&
      truth.some((t) => t.to === r.dst && principalOf(t.from) === r.principal && t.path === r.path);
    const score = (policies: any[]) => ({
      recall:
        truth.filter((t) =>
          istioAllows(policies, {
            principal: principalOf(t.from),
            namespace: 'default',
            labels: { app: t.to },
            port: 9080,
            method: 'GET',
            path: t.path,
          }),
        ).length / truth.length,
      extra: requests.filter((r) => !isTrue(r) && istioAllows(policies, r)).length,
    });
    const oursScore = score(ours);
    const theirScore = score(theirs);
    console.log(
      `Bookinfo AuthorizationPolicy: ours recall ${oursScore.recall}, extra ${oursScore.extra}/${requests.length}; Istio task recall ${theirScore.recall}, extra ${theirScore.extra}`,
    );
    expect(theirScore.recall).toBe(1);
    expect(oursScore.recall).toBe(1);
    expect(oursScore.extra).toBeLessThanOrEqual(theirScore.extra);
  });
});
