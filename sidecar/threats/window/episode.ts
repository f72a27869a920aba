/** Turns a per-source rate into episodes: one report when the threshold is crossed, then periodic counts, never one per packet. */

export type Episode = { active: boolean; lastReport: number; pending: number; started: number };

/** How often an ongoing episode reports its growing count (the runner merges these into one finding). */
const reportEveryMs = 100;
const reportEveryCount = 256;

export const episode = (): Episode => ({ active: false, lastReport: 0, pending: 0, started: 0 });

/**
 * Feeds the current windowed `level` and this packet's `amount`; returns how many occurrences to report now
 * (0 for none). An episode starts when level reaches `threshold` and ends when it falls below half of it.
 */
export const advanceEpisode = (
  state: Episode,
  ts: number,
  level: number,
  threshold: number,
  amount = 1,
): number => {
  if (!state.active) {
    if (level < threshold) return 0;
    state.active = true;
    state.started = ts;
    state.lastReport = ts;
    state.pending = 0;
    return level;
  }
  if (level < threshold / 2) {
    state.active = false;
    const rest = state.pending;
    state.pending = 0;
    return rest;
  }
  state.pending += amount;
  if (ts - state.lastReport < reportEveryMs && state.pending < reportEveryCount) return 0;
  const count = state.pending;
  state.pending = 0;
  state.lastReport = ts;
  return count;
};
