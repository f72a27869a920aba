/** notify-slack: alert a channel with the finding's facts and buttons, grouped with its repeats. */
import { z } from 'zod';
import type { Action } from '../action.ts';
import type { ActionTarget } from '../action-target.ts';
import { alertButtons } from '../alerts/alert-request.ts';
import { applyChanges } from '../apply-changes.ts';
import type { Change } from '../change.ts';

const params = z.strictObject({
  channel: z.string().min(1).max(80),
  buttons: z.array(z.enum(alertButtons)).max(5).default(['quarantine', 'release', 'capture', 'mute']),
});

const outcomesOf = (target: ActionTarget): string[] =>
  (target.previous ?? []).map(
    (result) => `${result.action}: ${result.status}${result.error === undefined ? '' : ` (${result.error})`}`,
  );

const plan = (target: ActionTarget, p: z.infer<typeof params>): Change[] => {
  if (target.finding === undefined) return [{ kind: 'note', summary: 'nothing to alert about: no finding' }];
  const captureLink = target.previous?.find((result) => result.links?.capture !== undefined)?.links?.capture;
  return [
    {
      kind: 'slack-alert',
      request: {
        channel: p.channel,
        finding: target.finding,
        ...(target.rule === undefined ? {} : { rule: target.rule }),
        buttons: p.buttons,
        outcomes: outcomesOf(target),
        ...(captureLink === undefined ? {} : { captureLink }),
      },
      summary: `alert ${p.channel}`,
    },
  ];
};

export const notifySlack: Action<typeof params> = {
  id: 'notify-slack',
  description: 'Alert a Slack channel with buttons people can act on',
  params,
  target: 'finding',
  permissions: [],
  whenLimited: 'run',
  plan,
  apply: (changes, deps) => applyChanges('notify-slack', changes, deps),
};
