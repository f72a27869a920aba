/** A mute as a person asks for it (amtool-style matchers, a duration, a reason), checked and turned into a stored Mute. */
import { z } from 'zod';
import { describeZodError } from '#core/issue.ts';
import type { Mute } from '../store/response-store.ts';
import { matcherSchema, parseMatcher } from './matcher.ts';

const matcherInput = z.union([
  matcherSchema,
  z.string().transform((text, ctx) => {
    const matcher = parseMatcher(text);
    if (matcher === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not name=value, name!=value, name=~regex or name!~regex`,
      });
      return z.NEVER;
    }
    return matcher;
  }),
]);

export const newMuteSchema = z.strictObject({
  matchers: z.array(matcherInput).min(1).max(16),
  /** How long from now; at most 30 days. */
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 60),
  comment: z.string().min(1).max(512),
  scope: z.enum(['notify', 'all']).default('notify'),
});

export const newMute = (
  raw: unknown,
  createdBy: string,
  now: string,
  id: string,
): { mute: Mute } | { problems: string[] } => {
  const parsed = newMuteSchema.safeParse(raw);
  if (!parsed.success) return { problems: describeZodError(parsed.error) };
  const bad = parsed.data.matchers.filter((m) => m.isRegex && !isValidRegex(m.value));
  if (bad.length > 0)
    return { problems: bad.map((m) => `matchers: "${m.value}" is not a valid regular expression`) };
  return {
    mute: {
      id,
      matchers: parsed.data.matchers,
      startsAt: now,
      endsAt: new Date(Date.parse(now) + parsed.data.durationMinutes * 60_000).toISOString(),
      createdBy,
      comment: parsed.data.comment,
      scope: parsed.data.scope,
      suppressed: 0,
    },
  };
};

const isValidRegex = (value: string): boolean => {
  try {
    new RegExp(value);
    return true;
  } catch {
    return false;
  }
};
