/** Changes a group's mode and queues a signed set-mode command for each of its live pods. */
import { randomUUID } from 'node:crypto';
import type { Mode } from '#core/mode.ts';
import type { CommandSigner } from '#functions/platform/keys/command-signer.ts';
import type { GroupRecord, Store } from '#functions/platform/store/store.ts';

export type ModeChange =
  | { ok: true; group: GroupRecord; commands: number; note?: string }
  | { ok: false; reason: 'not-found' };

const commandLifetimeSeconds = 120;

/**
 * The mesh control plane is never blocked: a protect request for it is recorded, but its taps are told
 * monitor, and the answer says so.
 */
export const setGroupMode = async (
  deps: { store: Store; signer?: CommandSigner },
  key: string,
  mode: Mode,
  now: Date,
): Promise<ModeChange> => {
  const group = await deps.store.getGroup(key);
  if (group === undefined) return { ok: false, reason: 'not-found' };
  const next: GroupRecord = group.mode === mode ? group : { ...group, mode, modeSince: now.toISOString() };
  await deps.store.putGroup(next);
  const tapMode: Mode = mode === 'protect' && group.meshControl ? 'monitor' : mode;
  const issuedAt = Math.floor(now.getTime() / 1000);
  const pods = (await deps.store.listPods()).filter(
    (pod) => pod.group === key && pod.expiresAt > now.toISOString(),
  );
  for (const pod of deps.signer === undefined ? [] : pods) {
    const id = randomUUID();
    const expiresAt = issuedAt + commandLifetimeSeconds;
    const command = {
      kind: 'set-mode' as const,
      id,
      podUid: pod.pod.uid,
      issuedAt,
      expiresAt,
      mode: tapMode,
    };
    const token = await deps.signer?.sign(command);
    if (token !== undefined) await deps.store.putCommand({ id, podUid: pod.pod.uid, expiresAt, token });
  }
  const result: ModeChange = { ok: true, group: next, commands: deps.signer === undefined ? 0 : pods.length };
  if (tapMode !== mode)
    result.note = 'mesh control plane: recorded as protect, enforced as monitor (never blocked)';
  return result;
};
