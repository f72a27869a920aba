/** The AWS runtime's settings: every missing or malformed variable is named in one clear error. */
import { describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.ts';
import { generateIssuerKey } from '#functions/platform/auth/local-issuer.ts';
import { awsRuntimeConfigFromEnv, defaultAwsApiIssuer } from '#functions/platform/aws-env.ts';
import { generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { runtimeFromEnv } from '#functions/platform/runtime.ts';

const complete = async (): Promise<NodeJS.ProcessEnv> => ({
  AWS_REGION: 'eu-west-1',
  MESHWARD_TABLE: 'meshward',
  MESHWARD_LEARN_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/learn',
  MESHWARD_RESPOND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/respond',
  MESHWARD_POD_TOKEN_ISSUER: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC',
  MESHWARD_JWKS_URL: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/keys',
  MESHWARD_API_TOKEN_KEY: JSON.stringify(await generateIssuerKey()),
  MESHWARD_COMMAND_KEY: JSON.stringify(await generateCommandKey()),
});

const problemsOf = (env: NodeJS.ProcessEnv): readonly string[] => {
  try {
    awsRuntimeConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('config-invalid');
    return (error as AppError).details;
  }
  return [];
};

describe('AWS runtime configuration from env', () => {
  it('reads a complete environment; the API verifier gets only the public half of the key', async () => {
    const config = awsRuntimeConfigFromEnv(await complete());
    expect(config.queues).toEqual({
      learn: 'https://sqs.eu-west-1.amazonaws.com/1/learn',
      respond: 'https://sqs.eu-west-1.amazonaws.com/1/respond',
    });
    expect(config.podIssuer).toEqual({
      issuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC',
      jwksUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/keys',
    });
    expect(config.apiTokens.issuer).toBe(defaultAwsApiIssuer);
    expect(config.apiTokens.jwks.keys[0]).not.toHaveProperty('d');
    expect(config.commandKey?.alg).toBe('ES256');
  });

  it('names every missing variable at once', () => {
    expect(problemsOf({})).toEqual([
      'AWS_REGION is not set',
      'MESHWARD_TABLE is not set',
      'MESHWARD_LEARN_QUEUE_URL is not set',
      'MESHWARD_RESPOND_QUEUE_URL is not set',
      'MESHWARD_POD_TOKEN_ISSUER is not set',
      'MESHWARD_JWKS_URL (or MESHWARD_JWKS) is not set',
      'MESHWARD_API_TOKEN_KEY (or MESHWARD_API_JWKS) is not set',
    ]);
  });

  it('names a secret that is not the expected JSON (a Secrets Manager value left as generated)', async () => {
    const env = {
      ...(await complete()),
      MESHWARD_COMMAND_KEY: 'Xk3!random-generated',
      MESHWARD_JWKS: '{"nope":1}',
    };
    expect(problemsOf(env)).toEqual([
      'MESHWARD_JWKS is not the expected JSON (a Secrets Manager value must hold it as is)',
      'MESHWARD_COMMAND_KEY is not the expected JSON (a Secrets Manager value must hold it as is)',
    ]);
  });

  it('getRuntime picks AWS for MESHWARD_STORE=dynamodb and refuses an unknown store', async () => {
    await expect(runtimeFromEnv({ MESHWARD_STORE: 'dynamodb' })).rejects.toThrow(
      /MESHWARD_STORE=dynamodb: AWS_REGION is not set; MESHWARD_TABLE is not set/,
    );
    await expect(runtimeFromEnv({ MESHWARD_STORE: 'postgres' })).rejects.toThrow(
      'MESHWARD_STORE=postgres: expected sqlite (local) or dynamodb (AWS)',
    );
  });
});
