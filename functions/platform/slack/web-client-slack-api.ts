/** SlackApi over @slack/web-api's WebClient: waits out 429 Retry-After, bounded retries, Slack errors as AppErrors. */
import { type RetryOptions, WebClient } from '@slack/web-api';
import { AppError } from '#core/errors.ts';
import type { SlackApi } from './slack-api.ts';

export type WebClientOptions = {
  token: string;
  /** The API base URL, ending in `/` (tests point it at a fake). */
  slackApiUrl?: string;
  retryConfig?: RetryOptions;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
};

/** Rate limits are waited out (the client pauses its queue for Retry-After); other failures retry briefly. */
const defaultRetry: RetryOptions = { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5_000 };

const failure = (method: string, error: unknown): AppError => {
  const code = (error as { data?: { error?: string } }).data?.error;
  return new AppError('unavailable', `Slack ${method} failed${code === undefined ? '' : `: ${code}`}`, {
    cause: error,
  });
};

export const createWebClientSlackApi = (options: WebClientOptions): SlackApi => {
  const client = new WebClient(options.token, {
    ...(options.slackApiUrl === undefined ? {} : { slackApiUrl: options.slackApiUrl }),
    retryConfig: options.retryConfig ?? defaultRetry,
    timeout: options.timeoutMs ?? 10_000,
    rejectRateLimitedCalls: false,
  });
  const call = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw failure(method, error);
    }
  };
  return {
    async postMessage(channel, message, threadTs) {
      const result = await call('chat.postMessage', () =>
        client.chat.postMessage({
          channel,
          text: message.text,
          ...(message.blocks.length === 0 ? {} : { blocks: message.blocks }),
          unfurl_links: false,
          ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        }),
      );
      return { channel: result.channel ?? channel, ts: result.ts ?? '' };
    },
    async updateMessage(channel, ts, message) {
      await call('chat.update', () =>
        client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }),
      );
    },
    async postEphemeral(channel, user, text) {
      await call('chat.postEphemeral', () => client.chat.postEphemeral({ channel, user, text }));
    },
    async groupMembers(usergroup) {
      const result = await call('usergroups.users.list', () => client.usergroups.users.list({ usergroup }));
      return result.users ?? [];
    },
  };
};
