/** Learning from batches: rules per distinct edge, protocol upgrade, ranges, IP expiry, modes and violations. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Finding } from '#core/finding.ts';
import type { PodRef } from '#core/workload.ts';
import { allowViolation } from '#functions/learn/allow-violation.ts';
import { type LearnConfig, learnConfigSchema } from '#functions/learn/learn-config.ts';
import { learnBatch } from '#functions/learn/run.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import { at, flow, heartbeat, podRef } from '../platform/factories.ts';

const frontend = podRef('frontend-7d9c5b6f4d-abcde');
const cart = podRef('cart-5c6d7f8b9c-fghjk');

const harness = (config: Partial<LearnConfig> = {}) => {
  const store = openSqliteStore(':memory:');
  const deps = { store, config: learnConfigSchema.parse(config) };
  const send = (pod: PodRef, findings: Finding[], second = 5) =>
    learnBatch({ batchId: randomUUID(), pod, receivedAt: at(second), findings }, deps);
  const hello = async (second = 0) => {
    await send(frontend, [heartbeat({ at: at(second) })], second);
    await send(
      cart,
      [
        heartbeat({
          ips: ['10.0.0.2'],
          owner: { kind: 'ReplicaSet', name: 'cart-5c6d7f8b9c' },
          labels: { app: 'cart', 'pod-template-hash': '5c6d7f8b9c' },
          at: at(second),
        }),
      ],
      second,
    );
  };
  return { store, send, hello };
};

const grpcFlow = (i: number) =>
  flow({
    client: { ip: '10.0.0.1', port: 40000 + i },
    server: { ip: '10.0.0.2', port: 7070 },
    protocol: 'grpc',
    l7: { grpc: { methods: ['hipstershop.CartService/GetCart'] } },
  });

describe('learn batch', () => {
  it('learns one rule per distinct edge however many flows cross it', async () => {
    const { store, send, hello } = harness();
    await hello();
    const outcome = await send(
      frontend,
      Array.from({ length: 500 }, (_, i) => grpcFlow(i)),
    );
    expect(outcome).toMatchObject({ flows: 500, edges: 500, rulesCreated: 1, violations: [] });
    await send(
      cart,
      Array.from({ length: 500 }, (_, i) => grpcFlow(i)),
    );
    const rules = await store.listRules();
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      from: { type: 'group', namespace: 'shop', name: 'frontend' },
      to: { type: 'group', namespace: 'shop', name: 'cart' },
      port: 7070,
      protocol: 'grpc',
      http: { methods: ['POST'], paths: ['/hipstershop.CartService/GetCart'] },
      hits: 1000,
    });
  });

  it('upgrades a port-only rule to its protocol once identified, keeping the rule', async () => {
    const { store, send, hello } = harness();
    await hello();
    await send(frontend, [flow({ protocol: 'unknown', confidence: 'unknown' })]);
    const [first] = await store.listRules();
    expect(first?.protocol).toBe('unknown');
    await send(frontend, [flow({ l7: { http: { methods: ['GET'], paths: ['/cart'] } } })]);
    const rules = await store.listRules();
    expect(rules).toEqual([expect.objectContaining({ id: first?.id, protocol: 'http', hits: 2 })]);
  });

  it('collapses many ports between one pair into a range rule', async () => {
    const { store, send, hello } = harness({ portRangeThreshold: 8 });
    await hello();
    const ports = Array.from({ length: 10 }, (_, i) => 30000 + i * 3);
    await send(
      frontend,
      ports.map((port) => flow({ protocol: 'unknown', server: { ip: '10.0.0.2', port } })),
    );
    expect(await store.listRules()).toEqual([
      expect.objectContaining({ port: 30000, portEnd: 30027, hits: 10 }),
    ]);
  });

  it('attributes an IP only until it expires, and to its latest pod when reused', async () => {
    const { store, send, hello } = harness({ ipTtlSeconds: 30 });
    await hello(0);
    await send(frontend, [flow({ firstSeen: at(50), lastSeen: at(51) })], 52);
    const peers = (await store.listRules()).map((r) => r.to);
    expect(peers).toEqual([{ type: 'cidr', cidr: '10.0.0.2/32' }]);
    const ads = podRef('ads-6d5c4b7f2f-qqqqq');
    await send(ads, [
      heartbeat({ ips: ['10.0.0.2'], owner: { kind: 'ReplicaSet', name: 'ads-6d5c4b7f2f' }, at: at(55) }),
    ]);
    await send(frontend, [heartbeat({ at: at(55) }), flow({ firstSeen: at(56), lastSeen: at(57) })], 58);
    const tos = (await store.listRules()).map((r) => r.to);
    expect(tos).toContainEqual({ type: 'group', namespace: 'shop', name: 'ads' });
  });

  it('drops a learned host rule once its IP turns out to be a pod, and relearns by identity', async () => {
    const { store, send } = harness();
    await send(frontend, [heartbeat()]);
    await send(frontend, [flow()]);
    expect((await store.listRules()).map((r) => r.to)).toEqual([{ type: 'cidr', cidr: '10.0.0.2/32' }]);
    await send(cart, [
      heartbeat({ ips: ['10.0.0.2'], owner: { kind: 'ReplicaSet', name: 'cart-5c6d7f8b9c' } }),
    ]);
    expect(await store.listRules()).toEqual([]);
    await send(frontend, [flow()]);
    expect((await store.listRules()).map((r) => r.to)).toEqual([
      { type: 'group', namespace: 'shop', name: 'cart' },
    ]);
  });

  it('never attributes a host-network pod by IP', async () => {
    const { store, send, hello } = harness();
    await hello();
    await send(podRef('node-exporter-abcde', 'monitoring'), [
      heartbeat({
        ips: ['192.168.1.10'],
        hostNetwork: true,
        owner: { kind: 'DaemonSet', name: 'node-exporter' },
      }),
    ]);
    expect(await store.lookupIp('192.168.1.10', at(1))).toBeUndefined();
    await send(frontend, [flow({ server: { ip: '192.168.1.10', port: 9100 } })]);
    expect((await store.listRules()).map((r) => r.to)).toEqual([{ type: 'cidr', cidr: '192.168.1.10/32' }]);
  });

  it('names an external peer by its TLS SNI', async () => {
    const { store, send, hello } = harness();
    await hello();
    await send(frontend, [
      flow({
        server: { ip: '142.250.1.1', port: 443 },
        protocol: 'tls',
        encrypted: true,
        tls: { sni: 'API.Stripe.com' },
      }),
    ]);
    expect((await store.listRules())[0]?.to).toEqual({ type: 'fqdn', fqdn: 'api.stripe.com' });
  });

  it('in monitor, raises a violation naming the nearest rule and why it did not match', async () => {
    const { store, send, hello } = harness();
    await hello();
    await send(frontend, [flow({ l7: { http: { methods: ['GET'], paths: ['/cart'] } } })]);
    const group = await store.getGroup('shop/frontend');
    await store.putGroup({ ...(group as NonNullable<typeof group>), mode: 'monitor' });
    const same = await send(frontend, [flow({ l7: { http: { methods: ['GET'], paths: ['/cart'] } } })]);
    expect(same.violations).toEqual([]);
    const outcome = await send(frontend, [flow({ l7: { http: { methods: ['DELETE'], paths: ['/cart'] } } })]);
    const rule = (await store.listRules())[0];
    expect(outcome.violations.map((v) => v.finding)).toEqual([
      expect.objectContaining({
        type: 'violation',
        group: 'shop/frontend',
        peer: 'shop/cart',
        mode: 'monitor',
        nearestRule: rule?.id,
        reason: 'shop/frontend → shop/cart: method DELETE is not allowed (rule allows GET)',
      }),
    ]);
    expect(await store.listFindings({ kind: 'violation', group: 'shop/frontend' })).toHaveLength(1);
    expect((await store.getGroup('shop/frontend'))?.lastViolation).toBe(at(5));
    expect(await store.listRules()).toHaveLength(1);
  });

  it('through a trusted proxy, learns the proxy as the peer; a violation keeps the clients it forwarded for', async () => {
    // frontend (10.0.0.1) stands for an ingress the tap trusts; cart's tap lists the clients its requests named.
    const { store, send, hello } = harness();
    await hello();
    const forwarded = {
      clients: [
        { ip: '203.0.113.7', by: 'x-forwarded-for' as const },
        { ip: '198.51.100.2', by: 'x-forwarded-for' as const },
      ],
      otherRequests: 4,
    };
    const viaProxy = (paths: string[]) => flow({ l7: { http: { methods: ['GET'], paths }, forwarded } });
    await send(cart, [viaProxy(['/cart'])]);
    const [rule] = await store.listRules();
    expect(rule).toMatchObject({
      from: { type: 'group', namespace: 'shop', name: 'frontend' },
      to: { type: 'group', namespace: 'shop', name: 'cart' },
      http: { methods: ['GET'], paths: ['/cart'] },
    });
    expect(Object.keys(rule ?? {}).sort()).toEqual([
      'firstSeen',
      'from',
      'hits',
      'http',
      'id',
      'lastSeen',
      'port',
      'protocol',
      'source',
      'to',
      'transport',
    ]);
    const group = await store.getGroup('shop/cart');
    await store.putGroup({ ...(group as NonNullable<typeof group>), mode: 'monitor' });
    const outcome = await send(cart, [viaProxy(['/admin'])]);
    expect(outcome.violations.map((v) => v.finding)).toEqual([
      expect.objectContaining({ group: 'shop/cart', peer: 'shop/frontend', forwarded }),
    ]);
    const [stored] = await store.listFindings({ kind: 'violation', group: 'shop/cart' });
    expect(stored?.finding).toMatchObject({ forwarded });
    expect(outcome.violations[0]?.proposal?.from).toEqual({
      type: 'group',
      namespace: 'shop',
      name: 'frontend',
    });
  });

  it('freezes a monitored group: a discover peer cannot widen its baseline, the frozen group raises it', async () => {
    const { store, send, hello } = harness();
    await hello();
    const cartGroup = await store.getGroup('shop/cart');
    await store.putGroup({ ...(cartGroup as NonNullable<typeof cartGroup>), mode: 'monitor' });
    const outcome = await send(frontend, [flow()]);
    expect(await store.listRules()).toEqual([]);
    expect(outcome.violations.map((v) => v.group)).toEqual(['shop/cart']);
  });

  it('lets an operator allow a violation, after which the traffic is inside the baseline', async () => {
    const { store, send, hello } = harness({ defaultMode: 'monitor' });
    await hello();
    const offGraph = flow({ server: { ip: '10.0.0.2', port: 6379 }, protocol: 'redis' });
    const [violation] = (await send(frontend, [offGraph])).violations;
    expect(violation?.finding).toMatchObject({ reason: 'no rule allows shop/frontend → shop/cart' });
    const allowed = await allowViolation(store, violation?.id ?? '', at(9));
    expect(allowed).toMatchObject({ ok: true, rule: { source: 'manual', port: 6379, protocol: 'redis' } });
    expect((await send(frontend, [offGraph])).violations).toEqual([]);
    expect(await allowViolation(store, 'nope', at(9))).toEqual({ ok: false, reason: 'not-found' });
  });

  it('never reports mesh control traffic as blocked in protect', async () => {
    const { send, hello } = harness({ defaultMode: 'protect' });
    await hello();
    const istiod = podRef('istiod-6c7b8d9f5d-zzzzz', 'istio-system');
    await send(istiod, [
      heartbeat({ ips: ['10.0.9.9'], owner: { kind: 'ReplicaSet', name: 'istiod-6c7b8d9f5d' } }),
    ]);
    const outcome = await send(frontend, [
      flow({ server: { ip: '10.0.9.9', port: 15012 }, protocol: 'tls' }),
      flow({ server: { ip: '10.0.0.2', port: 8080 } }),
    ]);
    const modes = outcome.violations.map((v) => [v.finding.type === 'violation' && v.finding.mode, v.group]);
    expect(modes).toEqual([
      ['monitor', 'shop/frontend'],
      ['protect', 'shop/frontend'],
    ]);
  });

  it('progresses discover → monitor after a quiet period and monitor → protect after a clean one', async () => {
    const { store, send, hello } = harness({
      autoProgress: { discoverQuietSeconds: 10, monitorCleanSeconds: 20 },
    });
    await hello(0);
    await send(frontend, [flow()], 1);
    expect((await store.getGroup('shop/frontend'))?.mode).toBe('discover');
    const toMonitor = await send(frontend, [flow()], 12);
    expect(toMonitor.modeChanges).toContainEqual({ group: 'shop/frontend', from: 'discover', to: 'monitor' });
    await send(frontend, [flow({ server: { ip: '10.0.0.2', port: 9999 } })], 25);
    expect((await store.getGroup('shop/frontend'))?.mode).toBe('monitor');
    await send(frontend, [flow()], 40);
    expect((await store.getGroup('shop/frontend'))?.mode).toBe('monitor');
    const toProtect = await send(frontend, [flow()], 46);
    expect(toProtect.modeChanges).toContainEqual({ group: 'shop/frontend', from: 'monitor', to: 'protect' });
  });

  it('skips loopback flows inside a pod and flows between unknown addresses', async () => {
    const { store, send, hello } = harness();
    await hello();
    const outcome = await send(frontend, [
      flow({ client: { ip: '127.0.0.1', port: 5000 }, server: { ip: '127.0.0.1', port: 15001 } }),
      flow({ client: { ip: '172.16.0.1', port: 5000 }, server: { ip: '172.16.0.2', port: 80 } }),
    ]);
    expect(outcome.edges).toBe(0);
    expect(Object.values(outcome.skipped)).toEqual([1, 1]);
    expect(await store.listRules()).toEqual([]);
  });
});
