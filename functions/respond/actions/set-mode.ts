/** set-mode: move a group to discover, monitor or protect, and tell each of its taps. */
import { z } from 'zod';
import { modeSchema } from '#core/mode.ts';
import type { Action } from '../action.ts';
import type { ActionTarget } from '../action-target.ts';
import { applyChanges } from '../apply-changes.ts';
import type { Change } from '../change.ts';

const params = z.strictObject({ mode: modeSchema });

const plan = (target: ActionTarget, p: z.infer<typeof params>): Change[] => {
  const group = target.group ?? target.finding?.group;
  if (group === undefined) return [{ kind: 'note', summary: 'no group to change: the finding names none' }];
  return [
    {
      kind: 'set-group-mode',
      group,
      mode: p.mode,
      podUids: target.groupPods ?? [],
      summary: `set ${group} to ${p.mode} mode`,
    },
  ];
};

export const setMode: Action<typeof params> = {
  id: 'set-mode',
  description: "Change a group's enforcement mode",
  params,
  target: 'finding',
  permissions: [],
  whenLimited: 'skip',
  plan,
  apply: (changes, deps) => applyChanges('set-mode', changes, deps),
};
