/** The Slack Web API calls meshward makes, as one narrow interface (posting, updating, threading, user groups). */
import type { SlackMessage } from './block-kit.ts';

export type PostedMessage = { channel: string; ts: string };

export type SlackApi = {
  /** Posts to a channel, or into a thread when `threadTs` is given. */
  postMessage(channel: string, message: SlackMessage, threadTs?: string): Promise<PostedMessage>;
  updateMessage(channel: string, ts: string, message: SlackMessage): Promise<void>;
  /** A message only `user` sees. */
  postEphemeral(channel: string, user: string, text: string): Promise<void>;
  /** Member user ids of a user group (`S…`). */
  groupMembers(groupId: string): Promise<string[]>;
};
