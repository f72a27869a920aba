/** The process's respond runtime, built from the shared runtime and the environment on first use, or injected. */

import { currentConfig } from '#functions/platform/load-config.ts';
import { getRuntime } from '#functions/platform/runtime.ts';
import { slackConfigFromEnv } from '#functions/slack/slack-config.ts';
import { createRespondRuntime, type RespondRuntime } from './respond-runtime.ts';

let current: Promise<RespondRuntime> | undefined;

const fromEnv = async (env: NodeJS.ProcessEnv): Promise<RespondRuntime> => {
  const slackConfig = env.MESHWARD_SLACK_SIGNING_SECRET ? slackConfigFromEnv(env) : undefined;
  return createRespondRuntime(
    await getRuntime(),
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
  current ??= fromEnv(process.env);
  return current;
};

/** Injects the respond runtime (`meshward serve`, tests); `undefined` forgets it. */
export const setRespondRuntime = (runtime: RespondRuntime | undefined): void => {
  current = runtime === undefined ? undefined : Promise.resolve(runtime);
};
