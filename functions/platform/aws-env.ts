/** Reads the AWS runtime's settings from the environment the stack gives each Lambda; every missing or bad variable is named. */
import type { JSONWebKeySet } from 'jose';
import { AppError } from '#core/errors.ts';
import type { IssuerKey } from './auth/local-issuer.ts';
import type { SqsQueues } from './bus/sqs-bus.ts';
import type { CommandKey } from './keys/command-key.ts';
import type { PodIssuerConfig } from './runtime.ts';

/** Where API bearer tokens are verified from: the issuer key's public half, or a public JWKS. */
export type ApiTokenConfig = { issuer: string; jwks: JSONWebKeySet };

export type AwsRuntimeConfig = {
  region: string;
  tableName: string;
  queues: SqsQueues;
  podIssuer: PodIssuerConfig;
  apiTokens: ApiTokenConfig;
  /** Present where the function signs commands (respond) or publishes their keys. */
  commandKey?: CommandKey;
};

/** The issuer API tokens carry on AWS unless MESHWARD_API_TOKEN_ISSUER says otherwise. */
export const defaultAwsApiIssuer = 'urn:meshward:api';

type Reader = { problems: string[]; env: NodeJS.ProcessEnv };

const required = (r: Reader, name: string): string => {
  const value = r.env[name];
  if (value === undefined || value === '') r.problems.push(`${name} is not set`);
  return value ?? '';
};

const jsonOf = <T>(r: Reader, name: string, check: (value: unknown) => value is T): T | undefined => {
  const text = r.env[name];
  if (text === undefined || text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (check(value)) return value;
  } catch {
    // reported below with the variable's name
  }
  r.problems.push(`${name} is not the expected JSON (a Secrets Manager value must hold it as is)`);
  return undefined;
};

const isJwks = (value: unknown): value is JSONWebKeySet =>
  typeof value === 'object' && value !== null && Array.isArray((value as JSONWebKeySet).keys);
const hasPrivateJwk = (value: unknown): value is { kid: string; privateJwk: { d: string } } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as IssuerKey).kid === 'string' &&
  typeof (value as IssuerKey).privateJwk?.d === 'string';
const isCommandKey = (value: unknown): value is CommandKey =>
  hasPrivateJwk(value) && ['ES256', 'EdDSA'].includes((value as CommandKey).alg);

const podIssuerOf = (r: Reader): PodIssuerConfig => {
  const issuer = required(r, 'MESHWARD_POD_TOKEN_ISSUER');
  const jwks = jsonOf(r, 'MESHWARD_JWKS', isJwks);
  if (jwks !== undefined) return { issuer, jwks };
  if (r.env.MESHWARD_JWKS_URL) return { issuer, jwksUrl: r.env.MESHWARD_JWKS_URL };
  if (r.env.MESHWARD_JWKS === undefined || r.env.MESHWARD_JWKS === '')
    r.problems.push('MESHWARD_JWKS_URL (or MESHWARD_JWKS) is not set');
  return { issuer, jwks: { keys: [] } };
};

/** The public half of MESHWARD_API_TOKEN_KEY, or MESHWARD_API_JWKS. */
const apiTokensOf = (r: Reader): ApiTokenConfig => {
  const issuer = r.env.MESHWARD_API_TOKEN_ISSUER || defaultAwsApiIssuer;
  const key = jsonOf(r, 'MESHWARD_API_TOKEN_KEY', hasPrivateJwk);
  if (key !== undefined) {
    const { d: _d, ...rest } = (key as IssuerKey).privateJwk;
    return { issuer, jwks: { keys: [{ ...rest, kid: key.kid, use: 'sig' }] } };
  }
  const jwks = jsonOf(r, 'MESHWARD_API_JWKS', isJwks);
  if (jwks !== undefined) return { issuer, jwks };
  if (!r.env.MESHWARD_API_TOKEN_KEY && !r.env.MESHWARD_API_JWKS)
    r.problems.push('MESHWARD_API_TOKEN_KEY (or MESHWARD_API_JWKS) is not set');
  return { issuer, jwks: { keys: [] } };
};

export const awsRuntimeConfigFromEnv = (env: NodeJS.ProcessEnv): AwsRuntimeConfig => {
  const r: Reader = { problems: [], env };
  const config: AwsRuntimeConfig = {
    region: required(r, 'AWS_REGION'),
    tableName: required(r, 'MESHWARD_TABLE'),
    queues: {
      learn: required(r, 'MESHWARD_LEARN_QUEUE_URL'),
      respond: required(r, 'MESHWARD_RESPOND_QUEUE_URL'),
    },
    podIssuer: podIssuerOf(r),
    apiTokens: apiTokensOf(r),
  };
  const commandKey = jsonOf(r, 'MESHWARD_COMMAND_KEY', isCommandKey);
  if (commandKey !== undefined) config.commandKey = commandKey;
  if (r.problems.length > 0) {
    throw new AppError('config-invalid', `MESHWARD_STORE=dynamodb: ${r.problems.join('; ')}`, {
      details: r.problems,
    });
  }
  return config;
};
