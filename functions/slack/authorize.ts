/** Whether a Slack user may do an action: listed by user id, or a member of a listed user group. */
import type { SlackConfig, SlackPermission } from './slack-config.ts';

export const isAllowed = async (
  config: SlackConfig,
  permission: SlackPermission,
  userId: string,
  groupMembers: (groupId: string) => Promise<string[]>,
): Promise<boolean> => {
  const allowed = config.allow[permission];
  if (allowed.includes(userId)) return true;
  for (const id of allowed.filter((entry) => entry.startsWith('S'))) {
    if ((await groupMembers(id)).includes(userId)) return true;
  }
  return false;
};
