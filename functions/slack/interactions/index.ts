/** Every Slack button meshward offers, by id: adding one is one file and one line here. */
import { allow } from './allow.ts';
import { capture } from './capture.ts';
import { mute } from './mute.ts';
import { quarantine } from './quarantine.ts';
import { release } from './release.ts';
import type { SlackInteraction } from './slack-interaction.ts';

export const slackInteractions: readonly SlackInteraction[] = [quarantine, release, capture, allow, mute];

export const interactionById = (id: string): SlackInteraction | undefined =>
  slackInteractions.find((interaction) => interaction.id === id);
