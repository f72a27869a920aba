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
  });
};
