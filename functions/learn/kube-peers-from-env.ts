/** Learn's Kubernetes lookups where a cluster is configured (MESHWARD_KUBECONFIG, or running in a pod); else none. */
import { createClientNodeIpLookup } from '#functions/platform/kube/kube-ip-lookup.ts';
import { kubeConfigSource, loadKubeConfig } from '#functions/platform/kube/load-kube-config.ts';
import type { Logger } from '#functions/platform/logger.ts';
import { createKubePeerResolver, type KubePeerResolver } from './kube-peer-resolver.ts';

/** `MESHWARD_KUBE_LOOKUP=off` turns the lookups off even in a cluster (the ClusterRole then needs no list). */
export const kubePeersFromEnv = (
  env: NodeJS.ProcessEnv,
  options: { groupByLabel?: string; log?: Logger } = {},
): KubePeerResolver | undefined => {
  if (env.MESHWARD_KUBE_LOOKUP === 'off') return undefined;
  const configured = (env.MESHWARD_KUBECONFIG ?? '') !== '' || env.KUBERNETES_SERVICE_HOST !== undefined;
  if (!configured) return undefined;
  const lookup = createClientNodeIpLookup(loadKubeConfig(kubeConfigSource(env)));
  return createKubePeerResolver(lookup, {
    ...(options.groupByLabel === undefined ? {} : { groupByLabel: options.groupByLabel }),
    onError: (ip, error) =>
      options.log?.('warn', 'learn: Kubernetes lookup failed; the IP stays unnamed for now', {
        ip,
        error: String(error),
      }),
  });
};
