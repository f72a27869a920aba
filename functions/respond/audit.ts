/** Writes one audit record per action outcome: actor, action, target, reason, time, status and details. */
import type { ActionResult } from './action.ts';
import type { ActionTarget } from './action-target.ts';
import type { ResponseStore } from './store/response-store.ts';

export const targetOf = (target: Pick<ActionTarget, 'pod' | 'group' | 'finding'>): string => {
  if (target.pod !== undefined) return `pod:${target.pod.namespace}/${target.pod.name}`;
  if (target.group !== undefined) return `group:${target.group}`;
  return target.finding === undefined ? 'none' : `finding:${target.finding.id}`;
};

export const audit = async (
  store: Pick<ResponseStore, 'appendAudit'>,
  id: string,
  target: Pick<ActionTarget, 'actor' | 'reason' | 'now' | 'pod' | 'group' | 'finding'>,
  result: ActionResult,
): Promise<void> => {
  await store.appendAudit({
    id,
    at: target.now,
    actor: target.actor,
    action: result.action,
    target: targetOf(target),
    reason: target.reason,
    status: result.status,
    detail: [
      ...result.applied,
      ...result.notes,
      ...(result.error === undefined ? [] : [`error: ${result.error}`]),
      ...Object.entries(result.links ?? {}).map(([name, link]) => `${name}: ${link}`),
    ],
    ...(target.finding === undefined ? {} : { findingId: target.finding.id }),
  });
};
