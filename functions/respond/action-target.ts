/** What an action plans against: who asked and why, the finding, and the observed state of the pod. */
import type { V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';
import type { ActionResult } from './action.ts';
import type { ResponseFinding } from './response-finding.ts';

/** The pod as the API server has it, plus its namespace's quarantine policy and the other quarantined pods. */
export type PodState = { pod: V1Pod; policy?: V1NetworkPolicy; otherQuarantined: string[] };

export type ActionTarget = {
  /** `rule:<id>` for automatic responses, `slack:<user id>` or `api:<subject>` for people. */
  actor: string;
  reason: string;
  /** ISO time the action is planned at. */
  now: string;
  finding?: ResponseFinding;
  pod?: { namespace: string; name: string; uid?: string };
  podState?: PodState;
  group?: string;
  /** Uids of the group's known pods (set-mode sends each one a command). */
  groupPods?: string[];
  /** Results of the rule's earlier actions, so an alert can say what was already done. */
  previous?: ActionResult[];
  /** The rule that asked for this action, when one did. */
  rule?: string;
};
