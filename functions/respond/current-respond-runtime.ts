/** The process's respond runtime, built from the shared runtime and the environment on first use, or injected. */

import { currentConfig } from '#functions/platform/load-config.ts';
import { getRuntime } from '#functions/platform/runtime.ts';
import { type SlackConfig, slackConfigFromEnv } from '#functions/slack/slack-config.ts';
import type { RespondRuntime } from './respond-runtime.ts';

let current: Promise<RespondRuntime> | undefined;

/** Slack is configured once its signing secret and workspace are set; a half-set configuration is an error. */
const slackConfigOf = (env: NodeJS.ProcessEnv): SlackConfig | undefined =>
  env.MESHWARD_SLACK_SIGNING_SECRET && env.MESHWARD_SLACK_TEAM_ID !== ''
    ? slackConfigFromEnv(env)
    : undefined;

/** `MESHWARD_STORE=dynamodb`: DynamoDB, S3 and the respond queue; otherwise SQLite, local captures, in-process jobs. */
export const respondRuntimeFromEnv = async (env: NodeJS.ProcessEnv): Promise<RespondRuntime> => {
  const slackConfig = slackConfigOf(env);
  const runtime = await getRuntime();
  if (env.MESHWARD_STORE === 'dynamodb') {
    const [{ createAwsRespondRuntime }, { openAwsResponseStore }] = await Promise.all([
      import('./aws-respond-runtime.ts'),
      import('./aws-response-store.ts'),
    ]);
    return createAwsRespondRuntime(runtime, env, {
      openResponseStore: openAwsResponseStore,
      ...(slackConfig === undefined ? {} : { slackConfig }),
    });
  }
  const { createRespondRuntime } = await import('./respond-runtime.ts');
  return createRespondRuntime(
    runtime,
    {
      dataDir: env.MESHWARD_DATA_DIR ?? '.meshward-data',
      capturesUrl: `${currentConfig().controlPlaneUrl.replace(/\/$/, '')}/captures`,
      ...(env.MESHWARD_RESPONSE_RULES ? { rulesDir: env.MESHWARD_RESPONSE_RULES } : {}),
      ...(slackConfig === undefined ? {} : { slackConfig }),
    },
    env,
  );
};

export const getRespondRuntime = (): Promise<RespondRuntime> => {
  current ??= respondRuntimeFromEnv(process.env).catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
};

/** Injects the respond runtime (`meshward serve`, tests); `undefined` forgets it. */
export const setRespondRuntime = (runtime: RespondRuntime | undefined): void => {
  current = runtime === undefined ? undefined : Promise.resolve(runtime);
};
