/** The Quarantine button: cut the pod's traffic (quarantine-pod) on the alert's pod. */
import type { SlackInteraction } from './slack-interaction.ts';

export const quarantine: SlackInteraction = {
  id: 'quarantine',
  permission: 'quarantine',
  done: 'Quarantined',
  perform: (record, actor, ctx) => ctx.runAction('quarantine-pod', {}, record, actor),
};
