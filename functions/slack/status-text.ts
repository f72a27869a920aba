/** The `/meshward status` answer: pods in quarantine and active mutes, in mrkdwn. */
import type { Mute, QuarantineRecord } from '#functions/respond/store/response-store.ts';

const matchersText = (mute: Mute): string =>
  mute.matchers
    .map((m) => `${m.name}${m.isEqual ? '' : '!'}${m.isRegex ? '=~' : '='}"${m.value}"`)
    .join(', ');

export const statusText = (quarantines: readonly QuarantineRecord[], mutes: readonly Mute[]): string => {
  const pods =
    quarantines.length === 0
      ? ['No pod is quarantined.']
      : quarantines.map((q) => `• \`${q.namespace}/${q.name}\` by ${q.by} at ${q.at}: ${q.reason}`);
  const muted =
    mutes.length === 0
      ? ['No active mute.']
      : mutes.map(
          (m) =>
            `• ${matchersText(m)} until ${m.endsAt} by ${m.createdBy} (${m.suppressed} held back): ${m.comment}`,
        );
  return [`*Quarantined (${quarantines.length})*`, ...pods, `*Mutes (${mutes.length})*`, ...muted].join('\n');
};
