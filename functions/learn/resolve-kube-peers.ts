/** Asks Kubernetes about the batch's IPs that no heartbeat claims: workloads join the IP map, Services by name. */
import type { FlowFinding } from '#core/finding.ts';
import type { IpRecord } from '#functions/platform/store/store.ts';
import type { KubePeerResolver } from './kube-peer-resolver.ts';

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

/** The IPs of the flows, each once, that no heartbeat claims (and that are not the pod's own loopback). */
const unclaimed = (flows: readonly FlowFinding[], ips: ReadonlyMap<string, IpRecord>) => {
  const out = new Map<string, string>();
  for (const flow of flows)
    for (const ip of [flow.client.ip, flow.server.ip])
      if (!out.has(ip) && !ips.has(ip) && !isLoopback(ip)) out.set(ip, flow.lastSeen);
  return out;
};

export const resolveKubePeers = async (
  resolver: KubePeerResolver | undefined,
  flows: readonly FlowFinding[],
  ips: Map<string, IpRecord>,
): Promise<Map<string, string>> => {
  const names = new Map<string, string>();
  if (resolver === undefined) return names;
  for (const [ip, lastSeen] of unclaimed(flows, ips)) {
    const peer = await resolver.resolve(ip);
    if (peer === undefined) continue;
    if ('fqdn' in peer) names.set(ip, peer.fqdn);
    else ips.set(ip, { ip, podUid: peer.podUid ?? '', group: peer.group, expiresAt: lastSeen });
  }
  return names;
};
