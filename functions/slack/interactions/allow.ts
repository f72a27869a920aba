/** The Allow button: turn the violation into an allow rule, so the same traffic is in the baseline from now on. */
import type { SlackInteraction } from './slack-interaction.ts';

export const allow: SlackInteraction = {
  id: 'allow',
  permission: 'allow',
  done: 'Allowed',
  perform: (record, actor, ctx) => ctx.allow(record, actor),
};
