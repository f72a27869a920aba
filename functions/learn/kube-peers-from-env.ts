/** Learn's Kubernetes lookups where a cluster is configured (MESHWARD_KUBECONFIG, or running in a pod); else none. */
import { kubeConnectionFromEnv } from '#functions/platform/kube/kube-connection.ts';
import { createRestIpLookup } from '#functions/platform/kube/rest-kube-ip-lookup.ts';
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
  const lookup = createRestIpLookup(kubeConnectionFromEnv(env));
  // One warning a minute at most, with the count: a missing RBAC grant would otherwise warn for every IP.
  let lastWarned = Number.NEGATIVE_INFINITY;
  let failed = 0;
  return createKubePeerResolver(lookup, {
    ...(options.groupByLabel === undefined ? {} : { groupByLabel: options.groupByLabel }),
    onError: (ip, error) => {
      failed += 1;
      if (Date.now() - lastWarned < 60_000) return;
      lastWarned = Date.now();
      options.log?.('warn', 'learn: Kubernetes lookups failing; those IPs stay unnamed for now', {
        ip,
        failedSinceLastWarning: failed,
        error: String(error),
      });
      failed = 0;
    },
  });
};
