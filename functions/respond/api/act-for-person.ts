/** Runs one response action for a person calling the API, then audits it: the same runAction and audit as rules and Slack. */
import type { ActionResult, ActionStatus } from '../action.ts';
import type { ActionTarget } from '../action-target.ts';
import { audit } from '../audit.ts';
import type { RespondDeps } from '../respond-deps.ts';
import { runAction } from '../run-action.ts';

export type PersonAction = {
  action: string;
  params: unknown;
  target: Omit<ActionTarget, 'podState'>;
  /** A caller-derived id makes a repeated request find its first audit record (idempotent captures). */
  auditId?: string;
};

export type PersonOutcome = { result: ActionResult; audit: string };

export const actForPerson = async (request: PersonAction, deps: RespondDeps): Promise<PersonOutcome> => {
  const action = deps.actions.find((candidate) => candidate.id === request.action);
  const result: ActionResult =
    action === undefined
      ? { action: request.action, status: 'failed', applied: [], notes: [], error: 'unknown action' }
      : await runAction(action, { params: request.params, target: request.target }, deps.actionDeps);
  const id = request.auditId ?? deps.newId();
  await audit(deps.store, id, request.target, result);
  return { result, audit: id };
};

/** The HTTP status of an action's outcome: a failed dependency (API server, tap queue) is a bad gateway. */
const statuses: Record<ActionStatus, number> = {
  done: 200,
  unchanged: 200,
  'dry-run': 200,
  skipped: 200,
  conflict: 409,
  'not-found': 404,
  failed: 502,
};

const errors: Partial<Record<ActionStatus, string>> = {
  conflict: 'conflict',
  'not-found': 'not-found',
  failed: 'action-failed',
};

/** The API answer for an outcome: the result and its audit id, with an error and message when it did not work. */
export const answerOf = (outcome: PersonOutcome, okStatus = 200): { status: number; body: unknown } => {
  const { result } = outcome;
  const status = statuses[result.status];
  if (status < 300) return { status: okStatus, body: outcome };
  const message = `${result.action} ${result.status}${result.error === undefined ? '' : `: ${result.error}`}`;
  return { status, body: { error: errors[result.status], message, details: result.notes, ...outcome } };
};
