/** Automatic mode progression: discover → monitor after a quiet period, monitor → protect after a clean one. */
import type { GroupRecord } from '#functions/platform/store/store.ts';
import type { LearnConfig } from './learn-config.ts';

const seconds = (from: string | undefined, to: string): number =>
  from === undefined ? Number.POSITIVE_INFINITY : (Date.parse(to) - Date.parse(from)) / 1000;

const latest = (...times: (string | undefined)[]): string | undefined =>
  times
    .filter((t): t is string => t !== undefined)
    .sort()
    .at(-1);

/**
 * The group after progression at `now`, or undefined when its mode stays. Quiet and clean clocks start at the
 * later of the mode change and the last rule learned / violation raised, so any violation restarts the clock.
 */
export const progressMode = (
  group: GroupRecord,
  now: string,
  config: LearnConfig,
): GroupRecord | undefined => {
  const auto = config.autoProgress;
  if (auto === undefined) return undefined;
  if (
    group.mode === 'discover' &&
    seconds(latest(group.modeSince, group.lastLearned), now) >= auto.discoverQuietSeconds
  ) {
    return { ...group, mode: 'monitor', modeSince: now };
  }
  const clean = seconds(latest(group.modeSince, group.lastViolation), now);
  if (group.mode === 'monitor' && !group.meshControl && clean >= auto.monitorCleanSeconds) {
    return { ...group, mode: 'protect', modeSince: now };
  }
  return undefined;
};
