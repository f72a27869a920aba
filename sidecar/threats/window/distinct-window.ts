/** Counts distinct values seen in the last window (ports, hosts, subdomains), bounded in memory. */

type Value = string | number;

/**
 * The values and when each was last seen. Most windows only ever see one value (one port between two hosts, one
 * source for a target), and a Map each cost more than the rest of a packet detector's state: the first value is kept
 * inline (`one`), and `seen` is created when a second distinct one comes (then it holds them all, in arrival order).
 */
export type DistinctWindow = {
  seen: Map<Value, number> | undefined;
  one: Value | undefined;
  oneAt: number;
  hasOne: boolean;
  prunedAt: number;
};

const maxValues = 4096;

export const distinctWindow = (): DistinctWindow => ({
  seen: undefined,
  one: undefined,
  oneAt: 0,
  hasOne: false,
  prunedAt: 0,
});

/** Makes a window as `distinctWindow()` does, in place (an owner reusing its objects). */
export const emptyDistinct = (window: DistinctWindow): void => {
  window.seen = undefined;
  window.one = undefined;
  window.oneAt = 0;
  window.hasOne = false;
  window.prunedAt = 0;
};

/** Map key equality (SameValueZero). */
const sameValue = (a: Value | undefined, b: Value): boolean =>
  a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));

const prune = (window: DistinctWindow, ts: number, windowMs: number): void => {
  const { seen } = window;
  if (seen === undefined) {
    if (window.hasOne && ts - window.oneAt > windowMs) {
      window.hasOne = false;
      window.one = undefined;
    }
  } else for (const [value, at] of seen) if (ts - at > windowMs) seen.delete(value);
  window.prunedAt = ts;
};

const sizeOf = (window: DistinctWindow): number =>
  window.seen === undefined ? (window.hasOne ? 1 : 0) : window.seen.size;

/** Records a value while no Map is needed; false when it must go into one. */
const addInline = (window: DistinctWindow, value: Value, ts: number): boolean => {
  if (window.hasOne && !sameValue(window.one, value)) return false;
  window.one = value;
  window.oneAt = ts;
  window.hasOne = true;
  return true;
};

const mapOf = (window: DistinctWindow): Map<Value, number> => {
  if (window.seen !== undefined) return window.seen;
  const seen = new Map<Value, number>();
  if (window.hasOne) seen.set(window.one as Value, window.oneAt);
  window.seen = seen;
  window.hasOne = false;
  window.one = undefined;
  return seen;
};

/**
 * Records `value` at `ts` and returns how many distinct values were seen within `windowMs`, counting at most `max`
 * (an owner that only asks whether a threshold is reached keeps no more values than that).
 */
export const addDistinct = (
  window: DistinctWindow,
  value: Value,
  ts: number,
  windowMs: number,
  max = maxValues,
): number => {
  if (ts - window.prunedAt >= windowMs / 4 || sizeOf(window) >= max) prune(window, ts, windowMs);
  if (window.seen === undefined && addInline(window, value, ts)) return sizeOf(window);
  const seen = mapOf(window);
  if (seen.size < max || seen.has(value)) {
    seen.delete(value);
    seen.set(value, ts);
  }
  return seen.size;
};

/** How many distinct values were seen within `windowMs` of `ts`, adding none. */
export const countDistinct = (window: DistinctWindow, ts: number, windowMs: number): number => {
  prune(window, ts, windowMs);
  return sizeOf(window);
};
