/** The control plane on AWS: DynamoDB store, SQS bus (learn and respond queues), the cluster's OIDC keys, keys from env. */

import { AppError } from '#core/errors.ts';
import { learnConfigSchema } from '#functions/learn/learn-config.ts';
import { jwksSource } from './auth/jwks-source.ts';
import { apiAudience } from './auth/local-issuer.ts';
import { createApiTokenVerifier } from './auth/verify-api-token.ts';
import { createPodTokenVerifier } from './auth/verify-pod-token.ts';
import { sqsSender } from './aws-clients.ts';
import { type AwsRuntimeConfig, awsRuntimeConfigFromEnv } from './aws-env.ts';
import { createSqsBus, type SqsSend } from './bus/sqs-bus.ts';
import { createCommandSigner } from './keys/command-signer.ts';
import { jsonLogger, type Logger } from './logger.ts';
import type { Runtime } from './runtime.ts';
import type { Store } from './store/store.ts';

export type AwsRuntimeParts = {
  /** Opens the DynamoDB store (the adapter and its client are loaded lazily by the caller). */
  openStore: (config: AwsRuntimeConfig) => Promise<Store>;
  send?: SqsSend;
  log?: Logger;
  now?: () => Date;
};

const podVerifierOf = (config: AwsRuntimeConfig) =>
  createPodTokenVerifier({
    issuer: config.podIssuer.issuer,
    keys:
      'jwksUrl' in config.podIssuer
        ? jwksSource({ jwksUrl: config.podIssuer.jwksUrl })
        : jwksSource({ jwks: config.podIssuer.jwks as never }),
  });

/** No local issuer: taps carry their cluster's tokens, people carry API tokens minted with the configured key. */
export const createAwsRuntime = async (env: NodeJS.ProcessEnv, parts: AwsRuntimeParts): Promise<Runtime> => {
  const config = awsRuntimeConfigFromEnv(env);
  const learnConfig = learnConfigSchema.parse({
    ...(env.MESHWARD_GROUP_BY_LABEL ? { groupByLabel: env.MESHWARD_GROUP_BY_LABEL } : {}),
    ...(env.MESHWARD_DEFAULT_MODE ? { defaultMode: env.MESHWARD_DEFAULT_MODE } : {}),
  });
  const store = await parts.openStore(config);
  const runtime: Runtime = {
    store,
    bus: createSqsBus(parts.send ?? sqsSender(config.region), config.queues),
    learnConfig,
    verifyPodToken: podVerifierOf(config),
    verifyApiToken: createApiTokenVerifier({
      issuer: config.apiTokens.issuer,
      keys: jwksSource({ jwks: config.apiTokens.jwks }),
      audience: apiAudience,
    }),
    now: parts.now ?? (() => new Date()),
    log: parts.log ?? jsonLogger(),
    subscribe: () => {
      throw new AppError('internal', 'on AWS, consumers are the SQS-triggered learn and respond functions');
    },
    idle: () => Promise.resolve(),
    close: () => store.close(),
  };
  if (config.commandKey !== undefined) runtime.signer = await createCommandSigner(config.commandKey);
  return runtime;
};
