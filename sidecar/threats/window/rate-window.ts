/** A sliding-window counter in ten buckets: cheap per packet, accurate to a tenth of the window. */

const bucketCount = 10;

export type RateWindow = { buckets: number[]; head: number; headStart: number; total: number };

export const rateWindow = (): RateWindow => ({
  // A literal: packed small integers from the start (`new Array(n).fill(0)` starts holey).
  buckets: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  head: 0,
  headStart: 0,
  total: 0,
});

/** Makes a window as `rateWindow()` does, in place (an owner reusing its objects). */
export const emptyRate = (window: RateWindow): void => {
  window.buckets.fill(0);
  window.head = 0;
  window.headStart = 0;
  window.total = 0;
};

/** Moves the window to `ts`, adds `amount`, and returns the total over the last `windowMs`. */
export const addToRate = (window: RateWindow, ts: number, windowMs: number, amount = 1): number => {
  const width = windowMs / bucketCount;
  if (window.total === 0 || ts - window.headStart >= windowMs * 2) {
    window.buckets.fill(0);
    window.total = 0;
    window.headStart = ts;
  }
  while (ts - window.headStart >= width) {
    window.head = (window.head + 1) % bucketCount;
    window.total -= window.buckets[window.head] ?? 0;
    window.buckets[window.head] = 0;
    window.headStart += width;
  }
  window.buckets[window.head] = (window.buckets[window.head] ?? 0) + amount;
  window.total += amount;
  return window.total;
};
