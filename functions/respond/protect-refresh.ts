/**
 * What a heartbeat's ingest answer adds for protect mode (ADR 5): a set-mode when the tap reports another mode
 * than its group's, and, while the group is in protect mode, a freshly signed allow-list (commands expire in 120 s;
 * heartbeats come every 30 s, so the tap always holds a list computed from the current rules and IPs).
 */
import { randomUUID } from 'node:crypto';
import type { Command } from '#core/command.ts';
import { maxCommandLifetimeSeconds } from '#core/command.ts';
import type { HeartbeatFinding } from '#core/finding.ts';
import type { Mode } from '#core/mode.ts';
import type { CommandSigner } from '#functions/platform/keys/command-signer.ts';
import type { Store } from '#functions/platform/store/store.ts';
import { allowListInputsOf, allowListOfGroup } from './allow-list-of-group.ts';

export type ProtectRefreshDeps = {
  store: Pick<Store, 'getGroup' | 'listRules' | 'listPods' | 'listGroups'>;
  signer: Pick<CommandSigner, 'sign'>;
  now: () => Date;
};

export const protectRefresh = async (
  podUid: string,
  group: string,
  heartbeat: HeartbeatFinding,
  deps: ProtectRefreshDeps,
): Promise<string[]> => {
  const record = await deps.store.getGroup(group);
  if (record === undefined) return [];
  // The mesh control plane is never blocked (set-group-mode tells its taps monitor).
  const tapMode: Mode = record.mode === 'protect' && record.meshControl ? 'monitor' : record.mode;
  const now = deps.now();
  const issuedAt = Math.floor(now.getTime() / 1000);
  const base = { podUid, issuedAt, expiresAt: issuedAt + maxCommandLifetimeSeconds };
  const commands: Command[] = [];
  if (heartbeat.mode !== undefined && heartbeat.mode !== tapMode)
    commands.push({ ...base, id: randomUUID(), kind: 'set-mode', mode: tapMode });
  if (tapMode === 'protect') {
    const [rules, pods, groups] = await Promise.all([
      deps.store.listRules({ group }),
      deps.store.listPods(),
      deps.store.listGroups(),
    ]);
    const allowList = allowListOfGroup(allowListInputsOf(group, rules, pods, groups, now));
    commands.push({ ...base, id: randomUUID(), kind: 'allow-list', allowList });
  }
  return Promise.all(commands.map((command) => deps.signer.sign(command)));
};
