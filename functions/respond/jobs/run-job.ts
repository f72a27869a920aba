/** Does the work Slack handed over: performs a button or command, audits it, updates the alert, tells the user. */

import { interactionById } from '#functions/slack/interactions/index.ts';
import type { ActionResult } from '../action.ts';
import { withCapture } from '../alerts/alert-captures.ts';
import { alertMessage } from '../alerts/alert-message.ts';
import { audit } from '../audit.ts';
import { runAction } from '../run-action.ts';
import type { Interaction } from '../store/response-store.ts';
import { interactionContext } from './interaction-context.ts';
import type { JobDeps } from './job-deps.ts';
import type { RespondJob } from './respond-job.ts';

const clock = (now: string) => `${now.slice(0, 16).replace('T', ' ')} UTC`;

const describe = (result: ActionResult): string =>
  [
    `${result.action}: ${result.status}`,
    ...result.applied.map((line) => `• ${line}`),
    ...result.notes.map((line) => `• ${line}`),
    ...(result.error === undefined ? [] : [`• error: ${result.error}`]),
  ].join('\n');

const statusLine = (
  done: string,
  button: string,
  user: string,
  result: ActionResult,
  now: string,
): string => {
  const who = `<@${user}>`;
  if (result.status === 'done' || result.status === 'unchanged') return `${done} by ${who} at ${clock(now)}`;
  return `${button} by ${who} at ${clock(now)}: ${result.status}${result.error === undefined ? '' : ` (${result.error})`}`;
};

/** Adds the status line (and a capture the press took, shown once the tap uploads it) and re-renders the alert. */
const updateAlert = async (
  record: Interaction,
  line: string,
  deps: JobDeps,
  capture?: string,
): Promise<void> => {
  const group = record.groupKey === undefined ? undefined : await deps.store.getAlertGroup(record.groupKey);
  if (group === undefined || group.ts === '') return;
  const updated = {
    ...group,
    view: withCapture({ ...group.view, status: [...group.view.status, line] }, capture),
  };
  await deps.store.putAlertGroup(updated);
  await deps.slack.updateMessage(updated.channel, updated.ts, alertMessage(updated));
};

const onInteraction = async (
  job: Extract<RespondJob, { type: 'interaction' }>,
  deps: JobDeps,
  now: string,
) => {
  const record = await deps.store.getInteraction(job.interactionId);
  const interaction = interactionById(job.button);
  if (record === undefined || interaction === undefined) return;
  const actor = `slack:${job.user.id}`;
  const result = await interaction.perform(record, actor, interactionContext(deps, now));
  const reason = `Slack ${interaction.id} by ${job.user.name ?? job.user.id}`;
  await audit(
    deps.store,
    deps.newId(),
    { actor, reason, now, ...(record.pod === undefined ? {} : { pod: record.pod }) },
    result,
  );
  const line = statusLine(interaction.done, interaction.id, job.user.id, result, now);
  await updateAlert(record, line, deps, result.links?.capture);
  if (job.channel !== undefined) await deps.slack.postEphemeral(job.channel, job.user.id, describe(result));
};

const onCommand = async (job: Extract<RespondJob, { type: 'command' }>, deps: JobDeps, now: string) => {
  const wanted = job.action === 'quarantine' ? 'quarantine-pod' : 'release-pod';
  const action = deps.actions.find((candidate) => candidate.id === wanted);
  if (action === undefined) return;
  const target = { actor: `slack:${job.user.id}`, reason: job.reason, now, pod: job.pod };
  const result = await runAction(action, { params: {}, target }, deps.actionDeps);
  await audit(deps.store, deps.newId(), target, result);
  await deps.slack.postEphemeral(job.channel, job.user.id, describe(result));
};

export const runJob = async (job: RespondJob, deps: JobDeps, now: string): Promise<void> => {
  if (job.type === 'reply') return deps.slack.postEphemeral(job.channel, job.user, job.text);
  if (job.type === 'interaction') return onInteraction(job, deps, now);
  return onCommand(job, deps, now);
};
