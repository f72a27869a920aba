/** Runs one action: validate its parameters, observe its target, plan, then apply (or just plan, on a dry run). */
import type { Action, ActionResult } from './action.ts';
import type { ActionDeps } from './action-deps.ts';
import type { ActionTarget, PodState } from './action-target.ts';
import { observePod } from './observe-pod.ts';

export type ActionRequest = {
  params: unknown;
  target: Omit<ActionTarget, 'podState'>;
  dryRun?: boolean;
};

/** A concurrent writer can move the pod's resourceVersion between our read and our patch: read again, re-plan. */
const maxAttempts = 3;

const failed = (action: string, error: string, status: ActionResult['status'] = 'failed'): ActionResult => ({
  action,
  status,
  applied: [],
  notes: [],
  error,
});

/** The observed pod for a pod action, `gone` when it no longer exists, undefined for other actions. */
const observe = async (action: Action, request: ActionRequest, deps: ActionDeps) => {
  const ref = request.target.pod;
  if (action.target !== 'pod' || ref === undefined) return undefined;
  return (await observePod(deps.kube, ref)) ?? 'gone';
};

const attempt = async (
  action: Action,
  request: ActionRequest,
  params: unknown,
  deps: ActionDeps,
): Promise<ActionResult> => {
  const podState: PodState | 'gone' | undefined = await observe(action, request, deps);
  if (podState === 'gone') {
    const ref = request.target.pod;
    return failed(action.id, `pod ${ref?.namespace}/${ref?.name} no longer exists`, 'not-found');
  }
  const changes = action.plan({ ...request.target, ...(podState === undefined ? {} : { podState }) }, params);
  if (request.dryRun === true) {
    return {
      action: action.id,
      status: 'dry-run',
      applied: [],
      notes: changes.map((change) => change.summary),
    };
  }
  return action.apply(changes, deps);
};

export const runAction = async (
  action: Action,
  request: ActionRequest,
  deps: ActionDeps,
): Promise<ActionResult> => {
  const params = action.params.safeParse(request.params ?? {});
  if (!params.success) return failed(action.id, `invalid parameters: ${params.error.message}`);
  if (action.target === 'pod' && request.target.pod === undefined) {
    return failed(action.id, 'this action needs a pod');
  }
  let result = failed(action.id, 'not attempted');
  for (let count = 1; count <= maxAttempts; count++) {
    // An unavailable dependency (API server down, Slack unset) fails this action only, never the response.
    result = await attempt(action, request, params.data, deps).catch((error: unknown) =>
      failed(action.id, error instanceof Error ? error.message : String(error)),
    );
    if (result.status !== 'conflict') return result;
  }
  return { ...result, error: `the pod kept changing under us (${maxAttempts} attempts)` };
};
