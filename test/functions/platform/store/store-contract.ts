/** The store contract: every adapter (SQLite, DynamoDB) runs these cases and must pass all of them. */
import { describe, expect, it } from 'vitest';
import type { FindingRecord, Store } from '#functions/platform/store/store.ts';
import { at, flow, rule } from '../factories.ts';

const record = (id: string, overrides: Partial<FindingRecord> = {}): FindingRecord => ({
  id,
  batchId: id.split('#')[0] ?? id,
  podUid: 'pod-1',
  namespace: 'shop',
  group: 'shop/frontend',
  kind: 'flow',
  at: at(0),
  finding: flow(),
  ...overrides,
});

const batchOf = (batchId: string, count: number) => ({
  batchId,
  podUid: 'pod-1',
  receivedAt: at(5),
  findings: Array.from({ length: count }, (_, i) => record(`${batchId}#${i}`, { at: at(i) })),
});

/** A flow whose layer-7 summary is near the schema's bounds (~15 KB): 400 of them are > 1 MB in every view shard. */
const wideFlow = (second: number) =>
  flow({
    firstSeen: at(second),
    lastSeen: at(second),
    l7: { http: { paths: Array.from({ length: 48 }, (_, i) => `/${second}/${i}/`.padEnd(300, 'p')) } },
  });

/** Newest first, ties by id descending: the order every adapter returns findings in. */
const newestFirst = (records: FindingRecord[]) =>
  [...records]
    .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
    .map((r) => r.id);

export const describeStoreContract = (name: string, open: () => Promise<Store>): void => {
  describe(`store contract: ${name}`, () => {
    it('stores a batch once and reports the retry as a duplicate', async () => {
      const store = await open();
      expect(await store.putBatch(batchOf('b1', 3))).toBe('stored');
      expect(await store.putBatch(batchOf('b1', 3))).toBe('duplicate');
      expect(await store.countFindings()).toBe(3);
      await store.close();
    });

    it('stores concurrent duplicate batches exactly once', async () => {
      const store = await open();
      const results = await Promise.all(Array.from({ length: 8 }, () => store.putBatch(batchOf('b2', 5))));
      expect(results.filter((r) => r === 'stored')).toHaveLength(1);
      expect(await store.countFindings()).toBe(5);
      await store.close();
    });

    it('filters findings by namespace, group, kind and time, newest first', async () => {
      const store = await open();
      await store.putBatch(batchOf('b3', 4));
      await store.putFindings([
        record('v#0', { kind: 'violation', group: 'shop/cart', at: at(10) }),
        record('v#1', { namespace: 'other', group: 'other/x', at: at(11) }),
      ]);
      await store.putFindings([record('v#0', { kind: 'violation', group: 'changed', at: at(10) })]);
      await store.putFindings([
        record('v#2', { kind: 'violation', at: at(12), proposal: rule({ id: 'p' }) }),
      ]);
      expect((await store.getFinding('v#2'))?.proposal).toEqual(rule({ id: 'p' }));
      expect((await store.listFindings({ batchId: 'b3' })).map((r) => r.id)).toEqual([
        'b3#3',
        'b3#2',
        'b3#1',
        'b3#0',
      ]);
      expect((await store.listFindings({ kind: 'violation' })).map((r) => r.id)).toEqual(['v#2', 'v#0']);
      expect((await store.getFinding('v#0'))?.group).toBe('shop/cart');
      expect((await store.listFindings({ namespace: 'other' })).map((r) => r.id)).toEqual(['v#1']);
      const frontend = await store.listFindings({ group: 'shop/frontend', since: at(1), until: at(3) });
      expect(frontend.map((r) => r.id)).toEqual(['b3#2', 'b3#1']);
      expect(await store.listFindings({ limit: 2 })).toHaveLength(2);
      expect((await store.getFinding('b3#0'))?.finding).toEqual(flow());
      expect(await store.getFinding('nope')).toBeUndefined();
      await store.close();
    });

    it('upserts, lists by group and deletes rules', async () => {
      const store = await open();
      await store.putRules([
        rule({ id: 'a' }),
        rule({ id: 'b', to: { type: 'fqdn', fqdn: 'api.example.com' } }),
      ]);
      await store.putRules([rule({ id: 'a', hits: 9 })]);
      expect((await store.getRule('a'))?.hits).toBe(9);
      expect((await store.listRules({ group: 'shop/cart' })).map((r) => r.id)).toEqual(['a']);
      expect((await store.listRules({ group: 'fqdn:api.example.com' })).map((r) => r.id)).toEqual(['b']);
      expect((await store.listRules({ group: 'shop/frontend' })).map((r) => r.id)).toEqual(['a', 'b']);
      expect(await store.deleteRule('a')).toBe(true);
      expect(await store.deleteRule('a')).toBe(false);
      expect((await store.listRules()).map((r) => r.id)).toEqual(['b']);
      await store.close();
    });

    it('keeps groups and pods', async () => {
      const store = await open();
      const group = {
        key: 'shop/cart',
        namespace: 'shop',
        name: 'cart',
        kind: 'Deployment' as const,
        mode: 'discover' as const,
        modeSince: at(0),
        meshControl: false,
      };
      await store.putGroup(group);
      await store.putGroup({ ...group, mode: 'monitor' });
      expect(await store.getGroup('shop/cart')).toEqual({ ...group, mode: 'monitor' });
      expect(await store.listGroups()).toHaveLength(1);
      const pod = {
        pod: { namespace: 'shop', name: 'cart-1', uid: 'u1' },
        group: 'shop/cart',
        workload: { namespace: 'shop', kind: 'Deployment' as const, name: 'cart' },
        ips: ['10.0.0.9'],
        hostNetwork: false,
        lastSeen: at(0),
        expiresAt: at(30),
      };
      await store.putPod(pod);
      expect(await store.getPod('u1')).toEqual(pod);
      expect(await store.listPods()).toEqual([pod]);
      expect(await store.getGroup('none')).toBeUndefined();
      await store.close();
    });

    it('maps an IP to its holder until the mapping expires, the latest holder winning', async () => {
      const store = await open();
      await store.putIps([{ ip: '10.0.0.9', podUid: 'u1', group: 'shop/cart', expiresAt: at(30) }]);
      expect((await store.lookupIp('10.0.0.9', at(10)))?.group).toBe('shop/cart');
      expect(await store.lookupIp('10.0.0.9', at(30))).toBeUndefined();
      await store.putIps([{ ip: '10.0.0.9', podUid: 'u2', group: 'shop/ads', expiresAt: at(50) }]);
      expect((await store.lookupIp('10.0.0.9', at(40)))?.podUid).toBe('u2');
      expect(await store.lookupIp('10.9.9.9', at(0))).toBeUndefined();
      await store.close();
    });

    it('hands out unexpired commands once', async () => {
      const store = await open();
      await store.putCommand({ id: 'c1', podUid: 'u1', expiresAt: 100, token: 't1' });
      await store.putCommand({ id: 'c2', podUid: 'u1', expiresAt: 10, token: 't2' });
      await store.putCommand({ id: 'c3', podUid: 'u2', expiresAt: 100, token: 't3' });
      expect((await store.takeCommands('u1', 50)).map((c) => c.token)).toEqual(['t1']);
      expect(await store.takeCommands('u1', 50)).toEqual([]);
      expect((await store.takeCommands('u2', 50)).map((c) => c.id)).toEqual(['c3']);
      await store.close();
    });
    it('treats an empty batch as a batch: stored once, then a duplicate', async () => {
      const store = await open();
      expect(await store.putBatch(batchOf('empty', 0))).toBe('stored');
      expect(await store.putBatch(batchOf('empty', 0))).toBe('duplicate');
      expect(await store.countFindings()).toBe(0);
      expect(await store.listFindings({})).toEqual([]);
      await store.putFindings([]);
      await store.putRules([]);
      await store.putIps([]);
      expect(await store.countFindings()).toBe(0);
      expect(await store.listRules()).toEqual([]);
      expect(await store.getPod('none')).toBeUndefined();
      expect(await store.takeCommands('none', 0)).toEqual([]);
      await store.close();
    });

    it('keeps the first record of an id when differing writes of it race', async () => {
      const store = await open();
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.putFindings([record('x#0', { batchId: 'x', group: `shop/g${i}`, kind: 'violation' })]),
        ),
      );
      const kept = await store.getFinding('x#0');
      expect(kept?.group).toMatch(/^shop\/g[0-5]$/);
      expect(await store.listFindings({ batchId: 'x' })).toEqual([kept]);
      expect(await store.listFindings({ kind: 'violation' })).toEqual([kept]);
      const groups = await Promise.all(
        Array.from({ length: 6 }, (_, i) => store.listFindings({ group: `shop/g${i}` })),
      );
      expect(groups.flat()).toEqual([kept]);
      expect(await store.countFindings()).toBe(1);
      await store.close();
    });

    it('lists a batch with the derived findings that name it, and combines filters', async () => {
      const store = await open();
      await store.putBatch(batchOf('b4', 3));
      await store.putFindings([
        record('b4-v', { batchId: 'b4', kind: 'violation', group: 'shop/cart', at: at(20) }),
        record('o#0', { batchId: 'o', kind: 'violation', namespace: 'other', group: 'other/x', at: at(21) }),
      ]);
      const ids = async (filter: Parameters<Store['listFindings']>[0]) =>
        (await store.listFindings(filter)).map((r) => r.id);
      expect(await ids({ batchId: 'b4' })).toEqual(['b4-v', 'b4#2', 'b4#1', 'b4#0']);
      expect(await ids({ batchId: 'b4', kind: 'flow', until: at(2) })).toEqual(['b4#1', 'b4#0']);
      expect(await ids({ batchId: 'b4', group: 'shop/cart' })).toEqual(['b4-v']);
      expect(await ids({ namespace: 'shop', kind: 'violation' })).toEqual(['b4-v']);
      expect(await ids({ group: 'shop/frontend', kind: 'violation' })).toEqual([]);
      expect(await ids({ kind: 'violation', namespace: 'other', since: at(21) })).toEqual(['o#0']);
      expect(await ids({ since: at(2) })).toEqual(['o#0', 'b4-v', 'b4#2']);
      expect(await ids({ until: at(1) })).toEqual(['b4#0']);
      expect(await ids({ since: at(5), until: at(1) })).toEqual([]);
      expect(await ids({ limit: 0 })).toEqual(['o#0']);
      expect(await ids({ kind: 'threat' })).toEqual([]);
      await store.close();
    });

    it('pages through more findings than one read returns (> 1 MB per view)', async () => {
      const store = await open();
      const findings = Array.from({ length: 400 }, (_, i) =>
        record(`big#${i}`, {
          batchId: 'big',
          group: i % 3 === 0 ? 'shop/cart' : 'shop/frontend',
          at: at(i % 50),
          finding: wideFlow(i % 50),
        }),
      );
      expect(await store.putBatch({ batchId: 'big', podUid: 'p', receivedAt: at(0), findings })).toBe(
        'stored',
      );
      expect(await store.countFindings()).toBe(400);
      const all = newestFirst(findings);
      expect((await store.listFindings({ batchId: 'big', limit: 10_000 })).map((r) => r.id)).toEqual(all);
      expect((await store.listFindings({ kind: 'flow', limit: 350 })).map((r) => r.id)).toEqual(
        all.slice(0, 350),
      );
      const cart = findings.filter((r) => r.group === 'shop/cart' && r.at < at(10));
      const oldCart = await store.listFindings({
        group: 'shop/cart',
        kind: 'flow',
        until: at(10),
        limit: 10_000,
      });
      expect(oldCart.map((r) => r.id)).toEqual(newestFirst(cart));
      const inShop = await store.listFindings({
        namespace: 'shop',
        kind: 'flow',
        since: at(45),
        limit: 10_000,
      });
      expect(inShop.map((r) => r.id)).toEqual(all.filter((id) => Number(id.slice(4)) % 50 >= 45));
      expect(await store.getFinding('big#399')).toEqual(findings[399]);
      await store.close();
    });

    it('lists many rules, follows a rule whose peer changes, and deletes a rule once under races', async () => {
      const store = await open();
      const targets = Array.from({ length: 120 }, (_, i) =>
        rule({
          id: `t${String(i).padStart(3, '0')}`,
          to: { type: 'group', namespace: 'shop', name: `svc${i}` },
        }),
      );
      await store.putRules(targets);
      expect((await store.listRules()).map((r) => r.id)).toEqual(targets.map((r) => r.id));
      expect(await store.listRules({ group: 'shop/frontend' })).toEqual(targets);
      await store.putRules([{ ...rule({ id: 't000' }), to: { type: 'cidr', cidr: '203.0.113.0/24' } }]);
      expect(await store.listRules({ group: 'shop/svc0' })).toEqual([]);
      expect((await store.listRules({ group: 'cidr:203.0.113.0/24' })).map((r) => r.id)).toEqual(['t000']);
      const deleted = await Promise.all(Array.from({ length: 4 }, () => store.deleteRule('t001')));
      expect(deleted.filter(Boolean)).toHaveLength(1);
      expect(await store.getRule('t001')).toBeUndefined();
      expect(await store.listRules({ group: 'shop/svc1' })).toEqual([]);
      expect(await store.listRules({ group: 'shop/frontend' })).toHaveLength(119);
      expect(await store.listRules({ group: 'nobody/here' })).toEqual([]);
      await store.close();
    });

    it('lists groups and pods in key order and maps many IPs in one call', async () => {
      const store = await open();
      const group = (name: string) => ({
        key: `shop/${name}`,
        namespace: 'shop',
        name,
        kind: 'Deployment' as const,
        mode: 'discover' as const,
        modeSince: at(0),
        meshControl: name === 'istiod',
        labels: { app: name },
      });
      for (const name of ['cart', 'ads', 'istiod']) await store.putGroup(group(name));
      expect((await store.listGroups()).map((g) => g.key)).toEqual(['shop/ads', 'shop/cart', 'shop/istiod']);
      expect(await store.getGroup('shop/istiod')).toEqual(group('istiod'));
      const pod = (uid: string) => ({
        pod: { namespace: 'shop', name: `p-${uid}`, uid },
        group: 'shop/cart',
        workload: { namespace: 'shop', kind: 'Deployment' as const, name: 'cart' },
        ips: [],
        hostNetwork: true,
        lastSeen: at(0),
        expiresAt: at(1),
      });
      for (const uid of ['u3', 'u1', 'u2']) await store.putPod(pod(uid));
      expect((await store.listPods()).map((p) => p.pod.uid)).toEqual(['u1', 'u2', 'u3']);
      const ips = Array.from({ length: 60 }, (_, i) => ({
        ip: `10.1.0.${i}`,
        podUid: `u${i}`,
        group: 'shop/cart',
        expiresAt: at(30 + i),
      }));
      await store.putIps([...ips, { ...ips[0], podUid: 'last', expiresAt: at(59) } as (typeof ips)[number]]);
      expect((await store.lookupIp('10.1.0.0', at(40)))?.podUid).toBe('last');
      expect((await store.lookupIp('10.1.0.59', at(88)))?.podUid).toBe('u59');
      expect(await store.lookupIp('10.1.0.10', at(40))).toBeUndefined();
      await store.close();
    });

    it('hands each command to exactly one of several concurrent takers', async () => {
      const store = await open();
      for (let i = 0; i < 10; i++)
        await store.putCommand({ id: `c${i}`, podUid: 'u1', expiresAt: 100, token: `t${i}` });
      await store.putCommand({ id: 'c0', podUid: 'u1', expiresAt: 100, token: 'replaced' });
      const taken = (await Promise.all(Array.from({ length: 4 }, () => store.takeCommands('u1', 50)))).flat();
      expect(taken.map((c) => c.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `c${i}`).sort());
      expect(taken.find((c) => c.id === 'c0')?.token).toBe('replaced');
      expect(await store.takeCommands('u1', 50)).toEqual([]);
      await store.close();
    });
  });
};
