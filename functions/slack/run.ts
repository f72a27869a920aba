/** The Slack edge: verify, authorise, look the button up, enqueue the work, and answer within Slack's three seconds. */
import type { JobQueue } from '#functions/respond/jobs/respond-job.ts';
import type { ResponseStore } from '#functions/respond/store/response-store.ts';
import { isAllowed } from './authorize.ts';
import { interactionById } from './interactions/index.ts';
import { type BlockActions, parseSlackRequest, type SlashCommand } from './parse-request.ts';
import type { SlackConfig } from './slack-config.ts';
import { parseSlashCommand, usage } from './slash-command.ts';
import { statusText } from './status-text.ts';
import { verifySlackSignature } from './verify-signature.ts';

export type SlackEdgeDeps = {
  config: SlackConfig;
  store: Pick<ResponseStore, 'getInteraction' | 'listQuarantines' | 'listMutes'>;
  queue: JobQueue;
  groupMembers(groupId: string): Promise<string[]>;
  nowSeconds(): number;
};

export type SlackEdgeRequest = {
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: string;
};

export type SlackAnswer =
  | { status: 200; body: { response_type: 'ephemeral'; text: string } | '' }
  | { status: 400 | 401; body: { error: string; message: string } };

const ephemeral = (text: string): SlackAnswer => ({
  status: 200,
  body: { response_type: 'ephemeral', text },
});
const refuse = (status: 400 | 401, message: string): SlackAnswer => ({
  status,
  body: { error: status === 401 ? 'unauthenticated' : 'bad-request', message },
});

/** Tells the user privately (block_actions ignore the HTTP body, so the respond function posts it). */
const tell = async (payload: BlockActions, text: string, deps: SlackEdgeDeps): Promise<SlackAnswer> => {
  const channel = payload.channel?.id ?? payload.container?.channel_id;
  if (channel !== undefined)
    await deps.queue.enqueue({ type: 'reply', channel, user: payload.user.id, text });
  return ephemeral(text);
};

const onButton = async (payload: BlockActions, deps: SlackEdgeDeps): Promise<SlackAnswer> => {
  const [pressed] = payload.actions;
  const buttonId = pressed?.action_id.replace(/^meshward:/, '') ?? '';
  const interaction = interactionById(buttonId);
  if (interaction === undefined) return tell(payload, `Unknown action "${buttonId}".`, deps);
  const record = pressed?.value === undefined ? undefined : await deps.store.getInteraction(pressed.value);
  const now = new Date(deps.nowSeconds() * 1000).toISOString();
  if (record === undefined || record.action !== buttonId || record.expiresAt < now) {
    return tell(payload, 'This button is no longer valid: the alert is too old or unknown.', deps);
  }
  if (!(await isAllowed(deps.config, interaction.permission, payload.user.id, deps.groupMembers))) {
    return tell(payload, `You are not allowed to ${interaction.permission} from Slack.`, deps);
  }
  await deps.queue.enqueue({
    type: 'interaction',
    interactionId: record.id,
    button: buttonId,
    user: {
      id: payload.user.id,
      ...(payload.user.username === undefined ? {} : { name: payload.user.username }),
    },
    ...(payload.channel?.id === undefined ? {} : { channel: payload.channel.id }),
  });
  return { status: 200, body: '' };
};

const onCommand = async (command: SlashCommand, deps: SlackEdgeDeps): Promise<SlackAnswer> => {
  const parsed = parseSlashCommand(command.text);
  if (parsed.verb === 'help') return ephemeral(usage);
  if (parsed.verb === 'invalid') return ephemeral(parsed.message);
  if (!(await isAllowed(deps.config, parsed.verb, command.user_id, deps.groupMembers))) {
    return ephemeral(`You are not allowed to ${parsed.verb} from Slack.`);
  }
  if (parsed.verb === 'status') {
    const now = new Date(deps.nowSeconds() * 1000).toISOString();
    return ephemeral(statusText(await deps.store.listQuarantines(), await deps.store.listMutes(now)));
  }
  await deps.queue.enqueue({
    type: 'command',
    action: parsed.verb,
    pod: parsed.pod,
    reason: parsed.reason,
    user: { id: command.user_id, ...(command.user_name === undefined ? {} : { name: command.user_name }) },
    channel: command.channel_id,
  });
  const verb = parsed.verb === 'quarantine' ? 'Quarantining' : 'Releasing';
  return ephemeral(`${verb} ${parsed.pod.namespace}/${parsed.pod.name}… the result follows here.`);
};

export const handleSlackRequest = async (
  request: SlackEdgeRequest,
  deps: SlackEdgeDeps,
): Promise<SlackAnswer> => {
  const signature = verifySlackSignature(request, deps.config.signingSecret, deps.nowSeconds());
  if (!signature.ok) return refuse(401, signature.reason);
  const parsed = parseSlackRequest(request.rawBody);
  if (parsed.kind === 'invalid') return refuse(400, parsed.reason);
  const [team, app] =
    parsed.kind === 'command'
      ? [parsed.command.team_id, parsed.command.api_app_id]
      : [parsed.payload.team?.id ?? parsed.payload.user.team_id, parsed.payload.api_app_id];
  if (team !== deps.config.teamId || app !== deps.config.appId) {
    return refuse(401, 'the request is for another Slack workspace or app');
  }
  return parsed.kind === 'command' ? onCommand(parsed.command, deps) : onButton(parsed.payload, deps);
};
