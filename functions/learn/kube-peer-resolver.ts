/**
 * Names an IP no tap heartbeat claims by asking Kubernetes: the running pod with that IP (never a host-network
 * pod: the node's IP is shared), else the Service with that cluster IP (its workload when it selects one, else
 * its DNS name). Answers, misses and failures are cached with expiry, so a busy IP costs one lookup per TTL.
 */
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { groupKey } from '#core/workload.ts';
import type { KubeIpLookup } from '#functions/platform/kube/kube-ip-lookup.ts';
import { workloadOfPod } from './workload-of-pod.ts';

export type KubePeer = { group: string; podUid?: string } | { fqdn: string };

export type KubePeerResolver = { resolve(ip: string): Promise<KubePeer | undefined> };

export type KubePeerOptions = {
  groupByLabel?: string;
  /** How long an answer is kept: pod IPs are reused, so not long. */
  ttlMs?: number;
  /** How long a miss or a failed lookup is kept (the API is not asked again for every flow). */
  missTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
  /** Told of a failed lookup (the IP is then treated as unknown until the miss expires). */
  onError?: (ip: string, error: unknown) => void;
};

const isLive = (pod: V1Pod) => pod.status?.phase === 'Running' || pod.status?.phase === 'Pending';

const controllerOf = (pod: V1Pod) => {
  const owner = pod.metadata?.ownerReferences?.find((ref) => ref.controller === true);
  return owner === undefined ? undefined : { kind: owner.kind, name: owner.name };
};

const groupOfPod = (pod: V1Pod, groupByLabel: string | undefined): string => {
  const ref = { namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: '' };
  const owner = controllerOf(pod);
  const facts = { labels: pod.metadata?.labels ?? {}, ...(owner === undefined ? {} : { owner }) };
  return groupKey(workloadOfPod(ref, facts, groupByLabel));
};

const selectorOf = (service: V1Service): string =>
  Object.entries(service.spec?.selector ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

export const createKubePeerResolver = (
  lookup: KubeIpLookup,
  options: KubePeerOptions = {},
): KubePeerResolver => {
  const ttl = options.ttlMs ?? 30_000;
  const missTtl = options.missTtlMs ?? 30_000;
  const max = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { peer: KubePeer | undefined; until: number }>();

  /** undefined: no live pod has the IP; 'host': only host-network pods do (never attributed). */
  const byPod = async (ip: string): Promise<KubePeer | 'host' | undefined> => {
    const pods = (await lookup.podsByIp(ip)).filter(isLive);
    if (pods.some((pod) => pod.spec?.hostNetwork === true)) return 'host';
    const [pod] = pods;
    if (pod === undefined || pods.length > 1) return undefined;
    const uid = pod.metadata?.uid;
    const group = groupOfPod(pod, options.groupByLabel);
    return uid === undefined ? { group } : { group, podUid: uid };
  };

  const byService = async (ip: string): Promise<KubePeer | undefined> => {
    const [service] = await lookup.servicesByClusterIp(ip);
    const namespace = service?.metadata?.namespace;
    if (service === undefined || namespace === undefined) return undefined;
    const selector = selectorOf(service);
    const pods = selector === '' ? [] : (await lookup.podsBySelector(namespace, selector)).filter(isLive);
    const groups = new Set(pods.map((pod) => groupOfPod(pod, options.groupByLabel)));
    const [group] = groups;
    if (groups.size === 1 && group !== undefined) return { group };
    return { fqdn: `${service.metadata?.name}.${namespace}.svc.cluster.local` };
  };

  const lookUp = async (ip: string): Promise<KubePeer | undefined> => {
    const pod = await byPod(ip);
    if (pod === 'host') return undefined;
    return pod ?? (await byService(ip));
  };

  const remember = (ip: string, peer: KubePeer | undefined) => {
    if (cache.size >= max) cache.delete(cache.keys().next().value as string);
    cache.set(ip, { peer, until: now() + (peer === undefined ? missTtl : ttl) });
    return peer;
  };

  return {
    async resolve(ip) {
      const cached = cache.get(ip);
      if (cached !== undefined && cached.until > now()) return cached.peer;
      cache.delete(ip);
      try {
        return remember(ip, await lookUp(ip));
      } catch (error) {
        options.onError?.(ip, error);
        return remember(ip, undefined);
      }
    },
  };
};
