/** Alertmanager-style matchers (`=`, `!=`, `=~`, `!~`) over an alert's labels; regexes are anchored, as there. */
import { z } from 'zod';

export const matcherSchema = z.strictObject({
  name: z.string().min(1).max(64),
  value: z.string().max(256),
  isRegex: z.boolean().default(false),
  isEqual: z.boolean().default(true),
});
export type Matcher = z.infer<typeof matcherSchema>;

const matchesOne = (matcher: Matcher, labels: Readonly<Record<string, string>>): boolean => {
  const value = labels[matcher.name] ?? '';
  let hit: boolean;
  try {
    hit = matcher.isRegex ? new RegExp(`^(?:${matcher.value})$`).test(value) : value === matcher.value;
  } catch {
    hit = false;
  }
  return matcher.isEqual ? hit : !hit;
};

/** True when every matcher matches; an empty list matches nothing (a mute must say what it mutes). */
export const matchesAll = (matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean =>
  matchers.length > 0 && matchers.every((matcher) => matchesOne(matcher, labels));

/** Parses `name=value`, `name!=value`, `name=~regex`, `name!~regex`, as amtool does. */
export const parseMatcher = (text: string): Matcher | undefined => {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(text);
  if (match === null) return undefined;
  const [, name = '', operator = '=', value = ''] = match;
  return { name, value, isRegex: operator.endsWith('~'), isEqual: !operator.startsWith('!') };
};
