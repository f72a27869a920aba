/** The Slack edge's dependencies, taken from the respond runtime. */

import { cachedGroupMembers } from '#functions/platform/slack/cached-group-members.ts';
import type { RespondRuntime } from '#functions/respond/respond-runtime.ts';
import type { SlackEdgeDeps } from './run.ts';
import type { SlackConfig } from './slack-config.ts';

export const slackEdgeDeps = (runtime: RespondRuntime, config: SlackConfig): SlackEdgeDeps => ({
  config,
  store: runtime.deps.store,
  queue: runtime.queue,
  groupMembers: cachedGroupMembers((id) => runtime.deps.slack.groupMembers(id)),
  nowSeconds: () => Math.floor(Date.parse(runtime.deps.actionDeps.now()) / 1000),
});
