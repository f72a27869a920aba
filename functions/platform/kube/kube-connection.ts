/** Where the Kubernetes API is and how to authenticate: a kubeconfig, the in-cluster service account, or EKS IAM. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AppError } from '#core/errors.ts';

export type KubeConnection = {
  server: string;
  /** PEM CA bundle the server's certificate must chain to; absent means the system roots. */
  ca?: string;
  /** A bearer token, read per request (projected tokens rotate). */
  token?: () => Promise<string>;
  cert?: string;
  key?: string;
  insecureSkipTlsVerify?: boolean;
};

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

export const inClusterConnection = (env: NodeJS.ProcessEnv): KubeConnection => ({
  server: `https://${env.KUBERNETES_SERVICE_HOST}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`,
  ca: readFileSync(join(serviceAccountDir, 'ca.crt'), 'utf8'),
  token: async () => readFileSync(join(serviceAccountDir, 'token'), 'utf8').trim(),
});

type Named<T> = { name: string } & T;
type KubeconfigFile = {
  'current-context'?: string;
  contexts?: Named<{ context: { cluster: string; user: string } }>[];
  clusters?: Named<{ cluster: Record<string, unknown> }>[];
  users?: Named<{ user: Record<string, unknown> }>[];
};

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const fileOrData = (entry: Record<string, unknown>, field: string): string | undefined => {
  const data = text(entry[`${field}-data`]);
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  const file = text(entry[field]);
  return file === undefined ? undefined : readFileSync(file, 'utf8');
};

/** The current context of a kubeconfig: server, CA, and a token, token file or client certificate (no exec plugins). */
export const kubeconfigConnection = (yamlText: string, source: string): KubeConnection => {
  const config = (parse(yamlText) ?? {}) as KubeconfigFile;
  const context = config.contexts?.find((c) => c.name === config['current-context'])?.context;
  const cluster = config.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context?.user)?.user ?? {};
  const server = text(cluster?.server);
  if (context === undefined || cluster === undefined || server === undefined) {
    throw new AppError(
      'config-invalid',
      `the kubeconfig ${source} has no current context with a cluster server`,
    );
  }
  const connection: KubeConnection = { server };
  const ca = fileOrData(cluster, 'certificate-authority');
  if (ca !== undefined) connection.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) connection.insecureSkipTlsVerify = true;
  const token = text(user.token);
  const tokenFile = text(user.tokenFile);
  if (token !== undefined) connection.token = async () => token;
  else if (tokenFile !== undefined) connection.token = async () => readFileSync(tokenFile, 'utf8').trim();
  if (user.exec !== undefined && token === undefined && tokenFile === undefined) {
    throw new AppError(
      'config-invalid',
      `the kubeconfig ${source} uses an exec credential plugin: give meshward a token`,
    );
  }
  const cert = fileOrData(user, 'client-certificate');
  const key = fileOrData(user, 'client-key');
  if (cert !== undefined && key !== undefined) Object.assign(connection, { cert, key });
  return connection;
};

const kubeconfigFile = (path: string): KubeConnection => {
  let yamlText: string;
  try {
    yamlText = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError(
      'config-invalid',
      `cannot load the Kubernetes configuration (file): cannot read ${path}`,
      {
        cause: error,
      },
    );
  }
  return kubeconfigConnection(yamlText, path);
};

/**
 * MESHWARD_KUBECONFIG_DATA (a kubeconfig's text: on Lambda, from Secrets Manager), MESHWARD_KUBECONFIG (a file),
 * else in a pod the service account, else KUBECONFIG or ~/.kube/config.
 */
export const kubeConnectionFromEnv = (env: NodeJS.ProcessEnv): KubeConnection => {
  if (env.MESHWARD_KUBECONFIG_DATA)
    return kubeconfigConnection(env.MESHWARD_KUBECONFIG_DATA, 'MESHWARD_KUBECONFIG_DATA');
  if (env.MESHWARD_KUBECONFIG) return kubeconfigFile(env.MESHWARD_KUBECONFIG);
  if (env.KUBERNETES_SERVICE_HOST) return inClusterConnection(env);
  const first = env.KUBECONFIG?.split(':').find(Boolean);
  return kubeconfigFile(first ?? join(homedir(), '.kube', 'config'));
};
