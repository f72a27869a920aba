import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Mute } from '#functions/respond/store/response-store.ts';
import { openSqliteResponseStore } from '#functions/respond/store/sqlite-response-store.ts';

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

describe('openSqliteResponseStore', () => {
  it('keeps every audit record once, newest first, filtered by actor, target and time', async () => {
    const store = openSqliteResponseStore(':memory:');
    const record = {
      action: 'quarantine-pod',
      target: 'pod:shop/a',
      reason: 'r',
      status: 'done',
      detail: [],
    };
    await store.appendAudit({ ...record, id: '1', at: '2026-11-26T12:00:00Z', actor: 'rule:x' });
    await store.appendAudit({
      ...record,
      id: '2',
      at: '2026-11-26T12:01:00Z',
      actor: 'slack:U1',
      target: 'pod:shop/b',
    });
    await store.appendAudit({ ...record, id: '2', at: '2026-11-26T12:09:00Z', actor: 'dup' });
    expect((await store.listAudit()).map((r) => r.id)).toEqual(['2', '1']);
    expect((await store.listAudit({ actor: 'rule:x' })).map((r) => r.id)).toEqual(['1']);
    expect((await store.listAudit({ target: 'pod:shop/b' })).map((r) => r.id)).toEqual(['2']);
    expect((await store.listAudit({ since: '2026-11-26T12:00:30Z' })).map((r) => r.id)).toEqual(['2']);
    expect(await store.listAudit({ limit: 1 })).toHaveLength(1);
  });

  it('lists the mutes active at a time and counts what each held back', async () => {
    const store = openSqliteResponseStore(':memory:');
    await store.putMute(mute('past', '2026-11-26T10:00:00Z', '2026-11-26T11:00:00Z'));
    await store.putMute(mute('now', '2026-11-26T11:30:00Z', '2026-11-26T13:00:00Z'));
    await store.putMute({
      ...mute('ended', '2026-11-26T11:30:00Z', '2026-11-26T13:00:00Z'),
      expiredAt: '2026-11-26T11:45:00Z',
    });
    expect((await store.listMutes('2026-11-26T12:00:00Z')).map((m) => m.id)).toEqual(['now']);
    expect(await store.listMutes()).toHaveLength(3);
    await store.countSuppressed('now');
    await store.countSuppressed('now');
    await store.countSuppressed('missing');
    expect((await store.getMute('now'))?.suppressed).toBe(2);
  });

  it('counts hits per fixed window and starts again in the next one', async () => {
    const store = openSqliteResponseStore(':memory:');
    expect(await store.hit('k', 'w1')).toBe(1);
    expect(await store.hit('k', 'w1')).toBe(2);
    expect(await store.hit('other', 'w1')).toBe(1);
    expect(await store.hit('k', 'w2')).toBe(1);
  });

  it('persists to a file, so a restarted process sees quarantines and buttons', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'respond-store-')), 'respond.db');
    const first = openSqliteResponseStore(path);
    await first.putQuarantine({
      podUid: 'u1',
      namespace: 'shop',
      name: 'a',
      by: 'slack:U1',
      reason: 'r',
      at: 't',
    });
    await first.putInteraction({ id: 'i1', action: 'release', expiresAt: '2026-12-01T00:00:00Z' });
    await first.close();
    const second = openSqliteResponseStore(path);
    expect(await second.listQuarantines()).toMatchObject([{ podUid: 'u1' }]);
    expect(await second.getInteraction('i1')).toMatchObject({ action: 'release' });
    await second.deleteQuarantine('u1');
    expect(await second.listQuarantines()).toEqual([]);
    await second.close();
  });
});
