/** Which alerts share one Slack message: same channel, namespace, workload, and threat (or peer, or policy check). */

export const alertGroupKey = (channel: string, labels: Readonly<Record<string, string>>): string =>
  [
    channel,
    labels.type ?? '',
    labels.namespace ?? '',
    labels.group ?? labels.pod ?? '',
    labels.threat ?? labels.peer ?? labels.check ?? '',
  ].join('|');

/** What the Mute button silences: this workload's alerts of this kind, the way the message groups them. */
export const muteMatchersOf = (labels: Readonly<Record<string, string>>) =>
  (['type', 'namespace', 'group', 'threat', 'peer', 'check'] as const)
    .filter((name) => labels[name] !== undefined)
    .filter((name) => !(name === 'peer' && labels.threat !== undefined))
    .map((name) => ({ name, value: labels[name] ?? '', isRegex: false, isEqual: true }));
