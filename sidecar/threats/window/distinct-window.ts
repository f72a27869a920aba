/** Counts distinct values seen in the last window (ports, hosts, subdomains), bounded in memory. */

export type DistinctWindow = { seen: Map<string | number, number>; prunedAt: number };

const maxValues = 4096;

export const distinctWindow = (): DistinctWindow => ({ seen: new Map(), prunedAt: 0 });

const prune = (window: DistinctWindow, ts: number, windowMs: number): void => {
  for (const [value, at] of window.seen) if (ts - at > windowMs) window.seen.delete(value);
  window.prunedAt = ts;
};

/** Records `value` at `ts` and returns how many distinct values were seen within `windowMs`. */
export const addDistinct = (
  window: DistinctWindow,
  value: string | number,
  ts: number,
  windowMs: number,
): number => {
  if (ts - window.prunedAt >= windowMs / 4 || window.seen.size >= maxValues) prune(window, ts, windowMs);
  if (window.seen.size < maxValues || window.seen.has(value)) {
    window.seen.delete(value);
    window.seen.set(value, ts);
  }
  return window.seen.size;
};
