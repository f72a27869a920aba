/** The function's AWS credentials as Lambda provides them (environment, refreshed per sandbox), for SigV4 signing without the SDK. */
import { AppError } from '#core/errors.ts';
import type { AwsCredentials } from './object-store/s3-object-store.ts';

export const credentialsFromEnv = (env: NodeJS.ProcessEnv): AwsCredentials => {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new AppError('config-invalid', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  }
  return env.AWS_SESSION_TOKEN
    ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN }
    : { accessKeyId, secretAccessKey };
};
