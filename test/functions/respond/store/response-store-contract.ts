/** The response store contract: the SQLite and DynamoDB adapters run these cases and must pass all of them. */
import { describe, expect, it } from 'vitest';
import type {
  AlertGroup,
  AuditRecord,
  Mute,
  ResponseStore,
} from '#functions/respond/store/response-store.ts';

/** A fresh, empty store, and a way to open a second store on the same data (a restarted process). */
export type OpenResponseStore = () => Promise<{ store: ResponseStore; reopen: () => Promise<ResponseStore> }>;

const mute = (id: string, startsAt: string, endsAt: string): Mute => ({
  id,
  matchers: [{ name: 'namespace', value: 'shop', isRegex: false, isEqual: true }],
  startsAt,
  endsAt,
  createdBy: 'api:alice',
  comment: 'c',
  scope: 'notify',
  suppressed: 0,
});

const audit = (id: string, at: string, overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  id,
  at,
  actor: 'rule:x',
  action: 'quarantine-pod',
  target: 'pod:shop/a',
  reason: 'r',
  status: 'done',
  detail: [],
  ...overrides,
});

const alertGroup = (key: string, total: number): AlertGroup => ({
  key,
  channel: 'C1',
  ts: '1.000',
  firstAt: '2026-11-26T12:00:00Z',
  lastAt: '2026-11-26T12:00:00Z',
  total,
  pending: 0,
  lastUpdateAt: '2026-11-26T12:00:00Z',
  findingId: 'b#0',
  view: {
    request: { kind: 'threat', title: 't' } as never,
    buttons: { quarantine: 'i1' },
    status: [],
  },
});

const minute = (m: number) => `2026-11-26T12:${String(m).padStart(2, '0')}:00Z`;

export const describeResponseStoreContract = (name: string, open: OpenResponseStore): void => {
  describe(`response store contract: ${name}`, () => {
    it('keeps every audit record once, newest first, filtered by actor, target and time', async () => {
      const { store } = await open();
      await store.appendAudit(audit('1', minute(0)));
      await store.appendAudit(audit('2', minute(1), { actor: 'slack:U1', target: 'pod:shop/b' }));
      await store.appendAudit(audit('2', minute(9), { actor: 'dup' }));
      expect((await store.listAudit()).map((r) => r.id)).toEqual(['2', '1']);
      expect((await store.listAudit({ actor: 'rule:x' })).map((r) => r.id)).toEqual(['1']);
      expect(await store.listAudit({ actor: 'dup' })).toEqual([]);
      expect((await store.listAudit({ target: 'pod:shop/b' })).map((r) => r.id)).toEqual(['2']);
      expect((await store.listAudit({ since: '2026-11-26T12:00:30Z' })).map((r) => r.id)).toEqual(['2']);
      expect(await store.listAudit({ limit: 1 })).toEqual([
        audit('2', minute(1), { actor: 'slack:U1', target: 'pod:shop/b' }),
      ]);
      await store.close();
    });

    it('combines audit filters and pages through a long trail', async () => {
      const { store } = await open();
      const records = Array.from({ length: 150 }, (_, i) =>
        audit(`a${String(i).padStart(3, '0')}`, minute(i % 60), {
          actor: i % 2 === 0 ? 'rule:even' : 'slack:U1',
          target: `pod:shop/p${i % 3}`,
          detail: [`step ${i}`],
          ...(i % 7 === 0 ? { action: 'capture' } : {}),
        }),
      );
      await Promise.all(records.map((record) => store.appendAudit(record)));
      await Promise.all(
        records.slice(0, 10).map((record) => store.appendAudit({ ...record, status: 'again' })),
      );
      const newest = [...records].sort((a, b) =>
        a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1,
      );
      expect((await store.listAudit({ limit: 1000 })).map((r) => r.id)).toEqual(newest.map((r) => r.id));
      expect((await store.listAudit({ limit: 1000 })).filter((r) => r.status === 'again')).toEqual([]);
      const both = await store.listAudit({
        actor: 'rule:even',
        target: 'pod:shop/p1',
        since: minute(30),
        limit: 1000,
      });
      expect(both.map((r) => r.id)).toEqual(
        newest
          .filter((r) => r.actor === 'rule:even' && r.target === 'pod:shop/p1' && r.at >= minute(30))
          .map((r) => r.id),
      );
      expect(await store.listAudit({ actor: 'slack:U1', limit: 5 })).toEqual(
        newest.filter((r) => r.actor === 'slack:U1').slice(0, 5),
      );
      expect(await store.listAudit()).toHaveLength(100);
      // The action filter is applied before the limit: the newest captures, not captures among the newest records.
      const captures = newest.filter((r) => r.action === 'capture');
      expect((await store.listAudit({ action: 'capture', limit: 3 })).map((r) => r.id)).toEqual(
        captures.slice(0, 3).map((r) => r.id),
      );
      expect(
        (
          await store.listAudit({ action: 'capture', actor: 'rule:even', target: 'pod:shop/p0', limit: 1000 })
        ).map((r) => r.id),
      ).toEqual(
        captures.filter((r) => r.actor === 'rule:even' && r.target === 'pod:shop/p0').map((r) => r.id),
      );
      await store.close();
    });

    it('lists the mutes active at a time and counts what each held back, atomically', async () => {
      const { store } = await open();
      await store.putMute(mute('past', minute(0), minute(10)));
      await store.putMute(mute('now', minute(30), minute(59)));
      await store.putMute({ ...mute('ended', minute(30), minute(59)), expiredAt: minute(45) });
      expect((await store.listMutes(minute(50))).map((m) => m.id)).toEqual(['now']);
      expect((await store.listMutes(minute(40))).map((m) => m.id)).toEqual(['ended', 'now']);
      expect((await store.listMutes(minute(30))).map((m) => m.id)).toEqual(['ended', 'now']);
      expect(await store.listMutes(minute(59))).toEqual([]);
      expect((await store.listMutes()).map((m) => m.id)).toEqual(['ended', 'now', 'past']);
      await Promise.all(Array.from({ length: 12 }, () => store.countSuppressed('now')));
      await store.countSuppressed('missing');
      expect((await store.getMute('now'))?.suppressed).toBe(12);
      expect(await store.getMute('missing')).toBeUndefined();
      await store.putMute({ ...mute('now', minute(30), minute(59)), expiredAt: minute(50), suppressed: 12 });
      expect(await store.getMute('now')).toEqual({
        ...mute('now', minute(30), minute(59)),
        expiredAt: minute(50),
        suppressed: 12,
      });
      await store.close();
    });

    it('keeps alert groups and button interactions, the latest write winning', async () => {
      const { store } = await open();
      await store.putAlertGroup(alertGroup('k2', 1));
      await store.putAlertGroup(alertGroup('k1', 1));
      await store.putAlertGroup(alertGroup('k2', 5));
      expect(await store.getAlertGroup('k2')).toEqual(alertGroup('k2', 5));
      expect((await store.listAlertGroups()).map((g) => [g.key, g.total])).toEqual([
        ['k1', 1],
        ['k2', 5],
      ]);
      expect(await store.getAlertGroup('none')).toBeUndefined();
      const interaction = {
        id: 'i1',
        action: 'quarantine',
        findingId: 'b#0',
        pod: { namespace: 'shop', name: 'a', uid: 'u1' },
        message: { channel: 'C1', ts: '1.000' },
        groupKey: 'k1',
        expiresAt: '2026-11-27T00:00:00Z',
      };
      await store.putInteraction(interaction);
      expect(await store.getInteraction('i1')).toEqual(interaction);
      await store.putInteraction({ ...interaction, action: 'release' });
      expect((await store.getInteraction('i1'))?.action).toBe('release');
      expect(await store.getInteraction('nope')).toBeUndefined();
      await store.close();
    });

    it('counts hits per fixed window, starts again in the next one, and loses none under concurrency', async () => {
      const { store } = await open();
      expect(await store.hit('k', 'w1')).toBe(1);
      expect(await store.hit('k', 'w1')).toBe(2);
      expect(await store.hit('other', 'w1')).toBe(1);
      expect(await store.hit('k', 'w2')).toBe(1);
      expect(await store.hit('k', 'w1')).toBe(1);
      const counts = await Promise.all(Array.from({ length: 15 }, () => store.hit('busy', 'w9')));
      expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      const firsts = await Promise.all(Array.from({ length: 6 }, () => store.hit('fresh', 'w10')));
      expect(firsts.filter((count) => count === 1)).toHaveLength(1);
      await store.close();
    });

    it('persists, so a restarted process sees quarantines, buttons, mutes and audit', async () => {
      const { store: first, reopen } = await open();
      await first.putQuarantine({
        podUid: 'u2',
        namespace: 'shop',
        name: 'b',
        by: 'rule:x',
        reason: 'r',
        at: 't',
      });
      await first.putQuarantine({
        podUid: 'u1',
        namespace: 'shop',
        name: 'a',
        by: 'slack:U1',
        reason: 'r',
        at: 't',
      });
      await first.putInteraction({ id: 'i1', action: 'release', expiresAt: '2026-12-01T00:00:00Z' });
      await first.putMute(mute('m', minute(0), minute(5)));
      await first.appendAudit(audit('a1', minute(1)));
      await first.close();
      const second = await reopen();
      expect((await second.listQuarantines()).map((q) => q.podUid)).toEqual(['u1', 'u2']);
      expect(await second.getInteraction('i1')).toMatchObject({ action: 'release' });
      expect(await second.getMute('m')).toEqual(mute('m', minute(0), minute(5)));
      expect((await second.listAudit()).map((r) => r.id)).toEqual(['a1']);
      await second.deleteQuarantine('u1');
      await second.deleteQuarantine('never');
      expect((await second.listQuarantines()).map((q) => q.podUid)).toEqual(['u2']);
      await second.close();
    });
  });
};
