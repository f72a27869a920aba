/** Runs automatic mode progression over every group, for a timer: quiet groups send no batches to trigger it. */
import type { Store } from '#functions/platform/store/store.ts';
import type { LearnConfig } from './learn-config.ts';
import { progressMode } from './mode-progression.ts';

export type ModeChangeRecord = { group: string; from: string; to: string };

export const progressAllGroups = async (
  store: Store,
  now: Date,
  config: LearnConfig,
): Promise<ModeChangeRecord[]> => {
  const changes: ModeChangeRecord[] = [];
  for (const group of await store.listGroups()) {
    const next = progressMode(group, now.toISOString(), config);
    if (next === undefined) continue;
    await store.putGroup(next);
    changes.push({ group: group.key, from: group.mode, to: next.mode });
  }
  return changes;
};
