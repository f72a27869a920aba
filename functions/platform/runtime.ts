/** This process's dependencies (store, bus, keys, verifiers), built lazily once and shared by every handler. */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '#core/errors.ts';
import type { KubePeerResolver } from '#functions/learn/kube-peer-resolver.ts';
import { kubePeersFromEnv } from '#functions/learn/kube-peers-from-env.ts';
import { type LearnConfig, learnConfigSchema } from '#functions/learn/learn-config.ts';
import { learnMessage } from '#functions/learn/learn-message.ts';
import { jwksSource } from './auth/jwks-source.ts';
import {
  apiAudience,
  createLocalIssuer,
  generateIssuerKey,
  type IssuerKey,
  type LocalIssuer,
} from './auth/local-issuer.ts';
import { type ApiTokenVerifier, createApiTokenVerifier } from './auth/verify-api-token.ts';
import { createPodTokenVerifier, type PodTokenVerifier } from './auth/verify-pod-token.ts';
import type { Bus, BusHandler } from './bus/bus.ts';
import { createInProcessBus } from './bus/in-process-bus.ts';
import { type CommandKey, generateCommandKey } from './keys/command-key.ts';
import { type CommandSigner, createCommandSigner } from './keys/command-signer.ts';
import { jsonLogger, type Logger } from './logger.ts';
import { openSqliteStore } from './store/sqlite.ts';
import type { Store } from './store/store.ts';

export type Runtime = {
  store: Store;
  bus: Bus;
  learnConfig: LearnConfig;
  /** Where a cluster is configured: learn names the IPs no heartbeat claims through the Kubernetes API. */
  kubePeers?: KubePeerResolver;
  verifyPodToken: PodTokenVerifier;
  verifyApiToken: ApiTokenVerifier;
  /** Present when this process is its own issuer (`meshward serve`): mints tap and API tokens. */
  issuer?: LocalIssuer;
  signer?: CommandSigner;
  now: () => Date;
  log: Logger;
  /** Adds a consumer of every published batch (in-process bus: respond subscribes here locally). */
  subscribe: (handler: BusHandler) => void;
  /** Resolves once published messages have been handled (in-process bus); immediate otherwise. */
  idle: () => Promise<void>;
  close: () => Promise<void>;
};

/** Where `meshward serve` leaves a fresh operator token for the CLI on the same machine. */
export const operatorTokenFile = 'operator.token';

export type PodIssuerConfig =
  | { issuer: string; jwks: { keys: object[] } }
  | { issuer: string; jwksUrl: string };

export type LocalRuntimeOptions = {
  dataDir: string;
  learn?: Partial<LearnConfig>;
  /** The cluster's service-account issuer; absent means tap tokens are the local issuer's own. */
  podIssuer?: PodIssuerConfig;
  kubePeers?: KubePeerResolver;
  log?: Logger;
  now?: () => Date;
};

/** Reads a JSON key from the data directory, or creates it (readable by this user only). */
const keyFile = async <T>(path: string, create: () => Promise<T>): Promise<T> => {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as T;
  const key = await create();
  writeFileSync(path, JSON.stringify(key), { mode: 0o600 });
  chmodSync(path, 0o600);
  return key;
};

const podVerifier = (issuer: LocalIssuer, config: PodIssuerConfig | undefined): PodTokenVerifier => {
  if (config === undefined)
    return createPodTokenVerifier({ issuer: issuer.issuer, keys: jwksSource({ jwks: issuer.jwks }) });
  const keys =
    'jwksUrl' in config
      ? jwksSource({ jwksUrl: config.jwksUrl })
      : jwksSource({ jwks: config.jwks as never });
  return createPodTokenVerifier({ issuer: config.issuer, keys });
};

/** The embedded control plane: SQLite in the data directory, an in-process bus feeding learn, local keys. */
export const createLocalRuntime = async (options: LocalRuntimeOptions): Promise<Runtime> => {
  mkdirSync(options.dataDir, { recursive: true });
  const store = openSqliteStore(join(options.dataDir, 'meshward.db'));
  const issuerKey = await keyFile<IssuerKey>(join(options.dataDir, 'issuer-key.json'), generateIssuerKey);
  const commandKey = await keyFile<CommandKey>(join(options.dataDir, 'command-key.json'), () =>
    generateCommandKey(),
  );
  const issuer = await createLocalIssuer(issuerKey);
  writeFileSync(
    join(options.dataDir, operatorTokenFile),
    await issuer.mintApiToken('operator', { ttlSeconds: 30 * 86_400 }),
    {
      mode: 0o600,
    },
  );
  const log = options.log ?? jsonLogger();
  const learnConfig = learnConfigSchema.parse(options.learn ?? {});
  const kube = options.kubePeers === undefined ? {} : { kubePeers: options.kubePeers };
  const bus = createInProcessBus((error, message) =>
    log('error', 'learn failed on a batch', { batchId: message.batchId, error: String(error) }),
  );
  bus.subscribe(async (message) => {
    await learnMessage(message, { store, config: learnConfig, bus, ...kube });
  });
  return {
    store,
    bus,
    learnConfig,
    ...kube,
    verifyPodToken: podVerifier(issuer, options.podIssuer),
    verifyApiToken: createApiTokenVerifier({
      issuer: issuer.issuer,
      keys: jwksSource({ jwks: issuer.jwks }),
      audience: apiAudience,
    }),
    issuer,
    signer: await createCommandSigner(commandKey),
    now: options.now ?? (() => new Date()),
    log,
    subscribe: (handler) => bus.subscribe(handler),
    idle: () => bus.idle(),
    close: () => store.close(),
  };
};

/** Runtime options from MESHWARD_* environment variables (what a Lambda or a container is given). */
export const localRuntimeOptionsFromEnv = (env: NodeJS.ProcessEnv): LocalRuntimeOptions => {
  if ((env.MESHWARD_STORE ?? 'sqlite') !== 'sqlite') {
    throw new AppError(
      'config-invalid',
      `MESHWARD_STORE=${env.MESHWARD_STORE}: expected sqlite (local) or dynamodb (AWS)`,
    );
  }
  const options: LocalRuntimeOptions = { dataDir: env.MESHWARD_DATA_DIR ?? '.meshward-data' };
  const learn: Partial<LearnConfig> = {};
  if (env.MESHWARD_GROUP_BY_LABEL) learn.groupByLabel = env.MESHWARD_GROUP_BY_LABEL;
  if (env.MESHWARD_DEFAULT_MODE) learn.defaultMode = env.MESHWARD_DEFAULT_MODE as LearnConfig['defaultMode'];
  options.learn = learn;
  const kubePeers = kubePeersFromEnv(env, {
    log: jsonLogger(),
    ...(learn.groupByLabel === undefined ? {} : { groupByLabel: learn.groupByLabel }),
  });
  if (kubePeers !== undefined) options.kubePeers = kubePeers;
  const issuer = env.MESHWARD_POD_TOKEN_ISSUER;
  if (issuer && env.MESHWARD_JWKS_URL) options.podIssuer = { issuer, jwksUrl: env.MESHWARD_JWKS_URL };
  else if (issuer && env.MESHWARD_JWKS) options.podIssuer = { issuer, jwks: JSON.parse(env.MESHWARD_JWKS) };
  return options;
};

let current: Promise<Runtime> | undefined;

/** `MESHWARD_STORE=dynamodb` is the AWS runtime (DynamoDB, SQS, the cluster's issuer); anything else is local. */
export const runtimeFromEnv = async (env: NodeJS.ProcessEnv): Promise<Runtime> => {
  if (env.MESHWARD_STORE !== 'dynamodb') return createLocalRuntime(localRuntimeOptionsFromEnv(env));
  const [{ createAwsRuntime }, { openAwsStore }] = await Promise.all([
    import('./aws-runtime.ts'),
    import('./aws-store.ts'),
  ]);
  return createAwsRuntime(env, { openStore: openAwsStore });
};

/** The process's runtime, built from the environment on first use unless one was injected. */
export const getRuntime = (): Promise<Runtime> => {
  current ??= runtimeFromEnv(process.env).catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
};

/** Injects the runtime (`meshward serve`, tests); `undefined` forgets it so the next use rebuilds. */
export const setRuntime = (runtime: Runtime | undefined): void => {
  current = runtime === undefined ? undefined : Promise.resolve(runtime);
};
