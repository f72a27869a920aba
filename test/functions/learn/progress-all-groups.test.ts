/** Progression on a timer: quiet groups move on, busy and mesh-control groups do not skip ahead. */
import { describe, expect, it } from 'vitest';
import { learnConfigSchema } from '#functions/learn/learn-config.ts';
import { progressAllGroups } from '#functions/learn/progress-all-groups.ts';
import { openSqliteStore } from '#functions/platform/store/sqlite.ts';
import type { GroupRecord } from '#functions/platform/store/store.ts';
import { at } from '../platform/factories.ts';

const group = (name: string, overrides: Partial<GroupRecord> = {}): GroupRecord => ({
  key: `shop/${name}`,
  namespace: 'shop',
  name,
  kind: 'Deployment',
  mode: 'discover',
  modeSince: at(0),
  meshControl: false,
  ...overrides,
});

describe('progress all groups', () => {
  it('moves quiet groups on and leaves the others', async () => {
    const store = openSqliteStore(':memory:');
    for (const g of [
      group('quiet'),
      group('busy', { lastLearned: at(50) }),
      group('clean', { mode: 'monitor' }),
      group('noisy', { mode: 'monitor', lastViolation: at(55) }),
      group('istiod', { mode: 'monitor', meshControl: true }),
    ]) {
      await store.putGroup(g);
    }
    const config = learnConfigSchema.parse({
      autoProgress: { discoverQuietSeconds: 30, monitorCleanSeconds: 40 },
    });
    const changes = await progressAllGroups(store, new Date(at(60)), config);
    expect(changes).toEqual([
      { group: 'shop/clean', from: 'monitor', to: 'protect' },
      { group: 'shop/quiet', from: 'discover', to: 'monitor' },
    ]);
    expect((await store.getGroup('shop/quiet'))?.modeSince).toBe(at(60));
    expect(await progressAllGroups(store, new Date(at(60)), learnConfigSchema.parse({}))).toEqual([]);
  });
});
