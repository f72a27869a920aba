/** Changing a group's mode in the store: the narrow interface set-mode needs, and its adapter over the Store. */
import type { Mode } from '#core/mode.ts';
import type { Store } from '#functions/platform/store/store.ts';

export type GroupModes = {
  setMode(group: string, mode: Mode, now: string): Promise<'changed' | 'unchanged' | 'unknown'>;
};

export const groupModesFromStore = (store: Pick<Store, 'getGroup' | 'putGroup'>): GroupModes => ({
  async setMode(key, mode, now) {
    const group = await store.getGroup(key);
    if (group === undefined) return 'unknown';
    if (group.mode === mode) return 'unchanged';
    await store.putGroup({ ...group, mode, modeSince: now });
    return 'changed';
  },
});
