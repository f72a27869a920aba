/** The Slack-interaction seam: a button id, who may press it, and what it does (run in the respond function). */
import type { ActionResult } from '#functions/respond/action.ts';
import type { Interaction } from '#functions/respond/store/response-store.ts';
import type { SlackPermission } from '../slack-config.ts';

export type InteractionContext = {
  /** Runs a response action on what the button stands for, as `actor`. */
  runAction(actionId: string, params: unknown, record: Interaction, actor: string): Promise<ActionResult>;
  /** Creates a mute from the button's matchers. */
  mute(record: Interaction, actor: string, hours: number): Promise<ActionResult>;
  /** Turns the button's violation into an allow rule. */
  allow(record: Interaction, actor: string): Promise<ActionResult>;
};

export type SlackInteraction = {
  id: string;
  permission: SlackPermission;
  /** Past tense for the message: "Quarantined by @user at …". */
  done: string;
  perform(record: Interaction, actor: string, ctx: InteractionContext): Promise<ActionResult>;
};
