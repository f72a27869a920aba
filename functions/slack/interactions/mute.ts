/** The Mute button: silence this workload's alerts of this kind for an hour (a mute with matchers, creator, expiry). */
import type { SlackInteraction } from './slack-interaction.ts';

export const mute: SlackInteraction = {
  id: 'mute',
  permission: 'mute',
  done: 'Muted for 1 hour',
  perform: (record, actor, ctx) => ctx.mute(record, actor, 1),
};
