/** How a Slack button's work is done in the respond function: actions on the button's target, mutes, allows. */
import type { InteractionContext } from '#functions/slack/interactions/slack-interaction.ts';
import type { ActionResult } from '../action.ts';
import { runAction } from '../run-action.ts';
import type { Interaction } from '../store/response-store.ts';
import type { JobDeps } from './job-deps.ts';

const targetOf = (record: Interaction, actor: string, now: string, reason: string) => ({
  actor,
  reason,
  now,
  ...(record.pod === undefined ? {} : { pod: record.pod }),
  ...(record.group === undefined ? {} : { group: record.group }),
});

export const interactionContext = (deps: JobDeps, now: string): InteractionContext => ({
  async runAction(actionId, params, record, actor) {
    const action = deps.actions.find((candidate) => candidate.id === actionId);
    if (action === undefined) {
      return { action: actionId, status: 'failed', applied: [], notes: [], error: 'unknown action' };
    }
    const reason = `${actionId} from Slack alert on finding ${record.findingId ?? '?'}`;
    return runAction(action, { params, target: targetOf(record, actor, now, reason) }, deps.actionDeps);
  },
  async mute(record, actor, hours): Promise<ActionResult> {
    if (record.matchers === undefined || record.matchers.length === 0) {
      return { action: 'mute', status: 'failed', applied: [], notes: [], error: 'nothing to match on' };
    }
    const id = deps.newId();
    await deps.store.putMute({
      id,
      matchers: record.matchers,
      startsAt: now,
      endsAt: new Date(Date.parse(now) + hours * 3600_000).toISOString(),
      createdBy: actor,
      comment: `muted from the Slack alert on finding ${record.findingId ?? '?'}`,
      scope: 'notify',
      suppressed: 0,
    });
    return { action: 'mute', status: 'done', applied: [`mute ${id} for ${hours}h`], notes: [] };
  },
  allow: (record, actor) =>
    record.findingId === undefined
      ? Promise.resolve({ action: 'allow', status: 'failed', applied: [], notes: [], error: 'no finding' })
      : deps.allowFinding(record.findingId, actor, now),
});
