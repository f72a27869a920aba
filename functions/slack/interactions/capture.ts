/** The Capture button: take a packet capture (capture) on the alert's pod. */
import type { SlackInteraction } from './slack-interaction.ts';

export const capture: SlackInteraction = {
  id: 'capture',
  permission: 'capture',
  done: 'Capture requested',
  perform: (record, actor, ctx) => ctx.runAction('capture', {}, record, actor),
};
