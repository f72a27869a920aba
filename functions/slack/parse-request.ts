/** Parses what Slack posts: a `payload=` form with block_actions JSON, or a slash command form. */
import { z } from 'zod';

const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: z.string() }).nullable(),
  api_app_id: z.string(),
  user: z.object({ id: z.string(), username: z.string().optional(), team_id: z.string().optional() }),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().optional(), type: z.string() }))
    .min(1)
    .max(1),
});
export type BlockActions = z.infer<typeof blockActionsSchema>;

const commandSchema = z.object({
  team_id: z.string(),
  api_app_id: z.string(),
  user_id: z.string(),
  user_name: z.string().optional(),
  command: z.string(),
  text: z.string().default(''),
  channel_id: z.string(),
});
export type SlashCommand = z.infer<typeof commandSchema>;

export type SlackRequest =
  | { kind: 'block_actions'; payload: BlockActions }
  | { kind: 'command'; command: SlashCommand }
  | { kind: 'invalid'; reason: string };

export const parseSlackRequest = (rawBody: string): SlackRequest => {
  const form = new URLSearchParams(rawBody);
  const payload = form.get('payload');
  if (payload === null) {
    const command = commandSchema.safeParse(Object.fromEntries(form));
    return command.success
      ? { kind: 'command', command: command.data }
      : { kind: 'invalid', reason: 'neither an interaction payload nor a slash command' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return { kind: 'invalid', reason: 'payload is not JSON' };
  }
  const parsed = blockActionsSchema.safeParse(raw);
  return parsed.success
    ? { kind: 'block_actions', payload: parsed.data }
    : { kind: 'invalid', reason: 'unsupported interaction payload' };
};
