/** User-group membership with a short cache: usergroups.users.list is rate-limited, and button presses come in bursts. */

export const cachedGroupMembers = (
  fetch: (groupId: string) => Promise<string[]>,
  ttlMs = 60_000,
  now: () => number = Date.now,
): ((groupId: string) => Promise<string[]>) => {
  const cache = new Map<string, { at: number; members: string[] }>();
  return async (groupId) => {
    const hit = cache.get(groupId);
    if (hit !== undefined && now() - hit.at < ttlMs) return hit.members;
    const members = await fetch(groupId);
    cache.set(groupId, { at: now(), members });
    return members;
  };
};
