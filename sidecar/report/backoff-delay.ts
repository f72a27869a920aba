/** Exponential backoff with jitter: the n-th retry waits a random time in [half, all] of min(max, base·2ⁿ). */

export type BackoffOptions = { baseMs: number; maxMs: number };

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 60_000 };

/** `random` in [0, 1); "equal jitter" keeps a floor so retries never collapse to zero delay. */
export const backoffDelay = (attempt: number, options: BackoffOptions, random: () => number): number => {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
};
