/** Who this pod is: namespace, name, uid, IPs, node, service account, labels, annotations and owner. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '#core/errors.ts';
import type { PodRef } from '#core/workload.ts';
import { parseDownwardApiFile } from './downward-api-file.ts';
import { ownerOfPod, type PodOwner } from './owner-of-pod.ts';

export type PodIdentity = PodRef & {
  ips: string[];
  nodeName?: string;
  serviceAccount?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  owner?: PodOwner;
};

/** `status.podIPs` arrives as a comma-separated list; `status.podIP` is the first. */
const ipsOf = (env: NodeJS.ProcessEnv): string[] => {
  const list = (env.MESHWARD_POD_IPS ?? '').split(/[,\s]+/).filter((ip) => ip !== '');
  const first = env.MESHWARD_POD_IP ?? '';
  return [...new Set(first === '' ? list : [first, ...list])];
};

const readOptional = async (path: string): Promise<string> => {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
};

/** The downward API's labels and annotations files (missing files read as empty). */
export const readPodInfo = async (dir: string | undefined) => {
  if (dir === undefined || dir === '') return { labels: {}, annotations: {} };
  const [labels, annotations] = await Promise.all([
    readOptional(join(dir, 'labels')),
    readOptional(join(dir, 'annotations')),
  ]);
  return { labels: parseDownwardApiFile(labels), annotations: parseDownwardApiFile(annotations) };
};

const required = (env: NodeJS.ProcessEnv, name: string): string => {
  const value = env[name];
  if (value === undefined || value === '')
    throw new AppError('config-invalid', `${name} is not set (downward API)`);
  return value;
};

export const podIdentityOf = (
  env: NodeJS.ProcessEnv,
  info: { labels: Record<string, string>; annotations: Record<string, string> },
): PodIdentity => {
  const name = required(env, 'MESHWARD_POD_NAME');
  const identity: PodIdentity = {
    namespace: required(env, 'MESHWARD_POD_NAMESPACE'),
    name,
    uid: required(env, 'MESHWARD_POD_UID'),
    ips: ipsOf(env),
    labels: info.labels,
    annotations: info.annotations,
  };
  if (env.MESHWARD_NODE_NAME) identity.nodeName = env.MESHWARD_NODE_NAME;
  if (env.MESHWARD_SERVICE_ACCOUNT) identity.serviceAccount = env.MESHWARD_SERVICE_ACCOUNT;
  const owner = ownerOfPod(name, info.labels);
  if (owner !== undefined) identity.owner = owner;
  return identity;
};

export const readPodIdentity = async (env: NodeJS.ProcessEnv): Promise<PodIdentity> =>
  podIdentityOf(env, await readPodInfo(env.MESHWARD_PODINFO_DIR));
