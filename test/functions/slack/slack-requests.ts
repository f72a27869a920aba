/** Slack requests built the way Slack builds them: form bodies, `payload=` JSON, v0 HMAC-SHA256 signatures. */
import { createHmac } from 'node:crypto';

export const signingSecret = '8f742231b10e8888abcd99yyyzzz85a5';
export const team = 'T0MESHWARD';
export const app = 'A0MESHWARD';

export type SignedRequest = { signature: string; timestamp: string; rawBody: string };

/** Signs exactly as Slack documents: `v0:` + timestamp + `:` + raw body, HMAC-SHA256, hex, prefixed `v0=`. */
export const sign = (rawBody: string, timestamp: number, secret = signingSecret): SignedRequest => {
  const basestring = `v0:${timestamp}:${rawBody}`;
  const signature = `v0=${createHmac('sha256', secret).update(basestring).digest('hex')}`;
  return { signature, timestamp: String(timestamp), rawBody };
};

export const blockActionsBody = (spec: {
  user: string;
  actionId: string;
  value: string;
  channel?: string;
  messageTs?: string;
  teamId?: string;
  appId?: string;
}): string => {
  const payload = {
    type: 'block_actions',
    user: {
      id: spec.user,
      username: spec.user.toLowerCase(),
      name: spec.user.toLowerCase(),
      team_id: spec.teamId ?? team,
    },
    api_app_id: spec.appId ?? app,
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: spec.messageTs ?? '1764158401.000001',
      channel_id: spec.channel ?? 'C0SECURITY',
      is_ephemeral: false,
    },
    trigger_id: '1234567890.0987654321.abcdef',
    team: { id: spec.teamId ?? team, domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: spec.channel ?? 'C0SECURITY', name: 'meshward-alerts' },
    response_url: 'https://hooks.slack.com/actions/T0MESHWARD/1/abc',
    actions: [
      {
        action_id: spec.actionId,
        block_id: 'meshward-actions',
        text: { type: 'plain_text', text: 'Quarantine', emoji: true },
        value: spec.value,
        type: 'button',
        action_ts: '1764158460.123456',
      },
    ],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
};

export const commandBody = (user: string, text: string, overrides: Record<string, string> = {}): string =>
  new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: team,
    team_domain: 'acme',
    channel_id: 'C0SECURITY',
    channel_name: 'meshward-alerts',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/meshward',
    text,
    api_app_id: app,
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0MESHWARD/1/abc',
    trigger_id: '1234567890.0987654321.abcdef',
    ...overrides,
  }).toString();
