/** The Slack app's settings: signing secret, the one team and app it answers, and who may press which button. */
import { z } from 'zod';
import { AppError } from '#core/errors.ts';
import { describeZodError } from '#core/issue.ts';

/** Slack user ids (`U…`, `W…`) or user-group ids (`S…`). */
const ids = z.array(z.string().regex(/^[UWS][A-Z0-9]{2,}$/, 'a Slack user (U…/W…) or user group (S…) id'));

export const slackPermissions = ['quarantine', 'release', 'capture', 'allow', 'mute', 'status'] as const;
export type SlackPermission = (typeof slackPermissions)[number];

export const slackConfigSchema = z.object({
  signingSecret: z.string().min(16),
  teamId: z.string().regex(/^T[A-Z0-9]+$/),
  appId: z.string().regex(/^A[A-Z0-9]+$/),
  /** Per action: who may do it. Nobody unless listed. */
  allow: z
    .object(
      Object.fromEntries(slackPermissions.map((p) => [p, ids.default([])])) as Record<
        SlackPermission,
        z.ZodDefault<typeof ids>
      >,
    )
    .prefault({}),
});
export type SlackConfig = z.infer<typeof slackConfigSchema>;

const list = (value: string | undefined): string[] | undefined =>
  value === undefined || value === ''
    ? undefined
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);

/** From MESHWARD_SLACK_SIGNING_SECRET, _TEAM_ID, _APP_ID and MESHWARD_SLACK_ALLOW_<ACTION>=U1,S2. */
export const slackConfigFromEnv = (env: NodeJS.ProcessEnv): SlackConfig => {
  const allow = Object.fromEntries(
    slackPermissions.flatMap((p) => {
      const value = list(env[`MESHWARD_SLACK_ALLOW_${p.toUpperCase()}`]);
      return value === undefined ? [] : [[p, value]];
    }),
  );
  const parsed = slackConfigSchema.safeParse({
    signingSecret: env.MESHWARD_SLACK_SIGNING_SECRET,
    teamId: env.MESHWARD_SLACK_TEAM_ID,
    appId: env.MESHWARD_SLACK_APP_ID,
    allow,
  });
  if (parsed.success) return parsed.data;
  const details = describeZodError(parsed.error);
  throw new AppError('config-invalid', `Slack configuration is invalid:\n  ${details.join('\n  ')}`, {
    details,
  });
};
