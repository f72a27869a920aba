/** The response-action seam: declared permissions and parameters, a pure plan, and an apply that performs it. */
import type { z } from 'zod';
import type { ActionDeps } from './action-deps.ts';
import type { ActionTarget } from './action-target.ts';
import type { Change } from './change.ts';

/** One Kubernetes RBAC rule an action needs: API group ('' is core), resource, verbs. */
export type Permission = { apiGroup: string; resource: string; verbs: readonly string[] };

export type ActionStatus =
  | 'done'
  | 'unchanged'
  | 'dry-run'
  | 'failed'
  | 'conflict'
  | 'not-found'
  /** Not run: rate-limited, a duplicate, muted, or an earlier action failed. */
  | 'skipped';

export type ActionResult = {
  action: string;
  status: ActionStatus;
  /** What was changed, one line per change, in order. */
  applied: string[];
  /** Things a person should know: why detach could not work, what was already in place. */
  notes: string[];
  error?: string;
  /** Links to show with the result: a capture, a message. */
  links?: Record<string, string>;
};

export type Action<Params extends z.ZodType = z.ZodType> = {
  id: string;
  description: string;
  params: Params;
  /** `pod`: run reads the pod, its namespace's quarantine policy and other quarantined pods before planning. */
  target: 'pod' | 'finding';
  permissions: readonly Permission[];
  /** When a rule is rate-limited or de-duplicated: `run` (alerts, which count the repeat) or `skip`. */
  whenLimited: 'run' | 'skip';
  plan(target: ActionTarget, params: z.infer<Params>): Change[];
  apply(changes: readonly Change[], deps: ActionDeps): Promise<ActionResult>;
};
