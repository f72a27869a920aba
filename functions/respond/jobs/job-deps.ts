/** What the respond function needs for Slack work: its usual dependencies, the Slack API, and "allow". */
import type { SlackApi } from '#functions/platform/slack/slack-api.ts';
import type { ActionResult } from '../action.ts';
import type { RespondDeps } from '../respond-deps.ts';

export type JobDeps = RespondDeps & {
  slack: SlackApi;
  /** Turns a violation into an allow rule (learn's allowViolation over the store). */
  allowFinding(findingId: string, actor: string, now: string): Promise<ActionResult>;
};
