/** The first active mute whose matchers match an alert's labels, if any. */
import type { Mute } from '../store/response-store.ts';
import { matchesAll } from './matcher.ts';

export const activeMute = (
  mutes: readonly Mute[],
  labels: Readonly<Record<string, string>>,
  at: string,
  scope: Mute['scope'] = 'notify',
): Mute | undefined =>
  mutes.find(
    (mute) =>
      mute.startsAt <= at &&
      at < mute.endsAt &&
      (mute.expiredAt === undefined || at < mute.expiredAt) &&
      (scope === 'notify' || mute.scope === 'all') &&
      matchesAll(mute.matchers, labels),
  );
