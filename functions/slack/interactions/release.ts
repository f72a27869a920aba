/** The Release button: undo the quarantine (release-pod) on the alert's pod. */
import type { SlackInteraction } from './slack-interaction.ts';

export const release: SlackInteraction = {
  id: 'release',
  permission: 'release',
  done: 'Released',
  perform: (record, actor, ctx) => ctx.runAction('release-pod', {}, record, actor),
};
