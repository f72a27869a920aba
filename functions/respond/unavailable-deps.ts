/** Stand-ins for dependencies this process was not configured with: every call fails with a clear, audited reason. */
import { AppError } from '#core/errors.ts';
import type { KubeApi } from '#functions/platform/kube/kube-api.ts';
import type { SlackApi } from '#functions/platform/slack/slack-api.ts';

const fail = (reason: string) => async (): Promise<never> => {
  throw new AppError('unavailable', reason);
};

export const unavailableKube = (reason: string): KubeApi => ({
  getPod: fail(reason),
  listPods: fail(reason),
  patchPod: fail(reason),
  getNetworkPolicy: fail(reason),
  createNetworkPolicy: fail(reason),
  deleteNetworkPolicy: fail(reason),
  createEvent: fail(reason),
});

export const unconfiguredSlack = (reason: string): SlackApi => ({
  postMessage: fail(reason),
  updateMessage: fail(reason),
  postEphemeral: fail(reason),
  groupMembers: fail(reason),
});
