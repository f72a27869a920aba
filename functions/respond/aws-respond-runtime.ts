/** Respond on AWS: DynamoDB response store, captures in S3 (presigned PUT for taps, GET links), jobs on the respond queue. */
import { AppError } from '#core/errors.ts';
import { sqsSender } from '#functions/platform/aws-clients.ts';
import { credentialsFromEnv } from '#functions/platform/aws-credentials.ts';
import type { SqsSend } from '#functions/platform/bus/sqs-bus.ts';
import { createS3ObjectStore } from '#functions/platform/object-store/s3-object-store.ts';
import type { Runtime } from '#functions/platform/runtime.ts';
import type { SlackConfig } from '#functions/slack/slack-config.ts';
import { createSqsJobQueue } from './jobs/sqs-job-queue.ts';
import { assembleRespondRuntime, kubeFromEnv, type RespondRuntime, slackFromEnv } from './respond-runtime.ts';
import type { ResponseStore } from './store/response-store.ts';

export type AwsRespondParts = {
  openResponseStore: (options: { region: string; tableName: string }) => Promise<ResponseStore>;
  send?: SqsSend;
  slackConfig?: SlackConfig;
};

const requiredEnv = (env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> => {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new AppError(
      'config-invalid',
      `respond on AWS: ${missing.map((n) => `${n} is not set`).join('; ')}`,
      {
        details: missing,
      },
    );
  }
  return Object.fromEntries(names.map((name) => [name, env[name] as string]));
};

export const createAwsRespondRuntime = async (
  runtime: Runtime,
  env: NodeJS.ProcessEnv,
  parts: AwsRespondParts,
): Promise<RespondRuntime> => {
  const vars = requiredEnv(env, [
    'AWS_REGION',
    'MESHWARD_TABLE',
    'MESHWARD_RESPOND_QUEUE_URL',
    'MESHWARD_CAPTURE_BUCKET',
  ]);
  const region = vars.AWS_REGION as string;
  const objectStore = createS3ObjectStore({
    bucket: vars.MESHWARD_CAPTURE_BUCKET as string,
    region,
    credentials: () => credentialsFromEnv(env),
    ...(env.AWS_ENDPOINT_URL_S3 ? { endpoint: env.AWS_ENDPOINT_URL_S3 } : {}),
  });
  const store = await parts.openResponseStore({ region, tableName: vars.MESHWARD_TABLE as string });
  const queue = createSqsJobQueue(parts.send ?? sqsSender(region), vars.MESHWARD_RESPOND_QUEUE_URL as string);
  return assembleRespondRuntime(
    runtime,
    { store, objectStore, queue, kube: kubeFromEnv(env), slack: slackFromEnv(env) },
    {
      ...(env.MESHWARD_RESPONSE_RULES ? { rulesDir: env.MESHWARD_RESPONSE_RULES } : {}),
      ...(parts.slackConfig === undefined ? {} : { slackConfig: parts.slackConfig }),
    },
    env,
  );
};
