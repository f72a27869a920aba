/** Remembers command ids until their commands expire, so a replayed command is refused; bounded in size. */

export type ReplayCache = {
  /** Records the id; false when it was already seen and has not expired yet. */
  remember(id: string, expiresAtSeconds: number, nowSeconds: number): boolean;
  size(): number;
};

export const createReplayCache = (maxEntries = 10_000): ReplayCache => {
  const seen = new Map<string, number>();
  const prune = (nowSeconds: number) => {
    for (const [id, expiresAt] of seen) if (expiresAt < nowSeconds) seen.delete(id);
  };
  return {
    remember(id, expiresAtSeconds, nowSeconds) {
      const known = seen.get(id);
      if (known !== undefined && known >= nowSeconds) return false;
      if (seen.size >= maxEntries) prune(nowSeconds);
      // Still full of live ids: refuse rather than forget one, because forgetting would allow its replay.
      if (seen.size >= maxEntries) return false;
      seen.set(id, expiresAtSeconds);
      return true;
    },
    size: () => seen.size,
  };
};
