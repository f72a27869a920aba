/** Computes a group's protect-mode allow-list from its learned rules and the live IP → workload map. Pure. */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import {
  type AllowDirection,
  type AllowEntry,
  type AllowList,
  allowRuleCount,
  maxAllowRulesPerDirection,
} from '#core/allow-list.ts';
import type { Peer, Rule } from '#core/rule.ts';
import type { GroupRecord, PodRecord } from '#functions/platform/store/store.ts';

export type AllowListInputs = {
  group: string;
  /** Rules whose `from` or `to` is the group. */
  rules: readonly Rule[];
  /** Live pods (unexpired, not host-network): their IPs stand for their groups. */
  pods: readonly Pick<PodRecord, 'group' | 'ips'>[];
  /** Groups of the mesh's own control plane: reachable both ways on every port, never blocked. */
  meshControlGroups: readonly string[];
  /**
   * Whether the group's pods run a mesh proxy (Istio sidecar, Linkerd), which dials workloads by pod IP. Without
   * one, a call to a Service leaves the pod addressed to its cluster IP (kube-proxy translates it on the node), so
   * an outbound list naming workloads by pod IP would refuse it: outbound with workload peers then stays open.
   */
  meshed: boolean;
  maxRules?: number;
};

/** Labels the meshes' injectors put on a pod with a proxy. */
const meshProxyLabels = ['security.istio.io/tlsMode', 'linkerd.io/control-plane-ns'];
export const hasMeshProxy = (labels: Readonly<Record<string, string>> | undefined): boolean =>
  meshProxyLabels.some((label) => labels?.[label] !== undefined);

type Resolved = { cidrs: string[] } | { unrenderable: string };

const hostCidr = (ip: string) => `${ip}/${isIP(ip) === 6 ? 128 : 32}`;
const keyOf = (peer: Peer) => (peer.type === 'group' ? `${peer.namespace}/${peer.name}` : undefined);

const resolvePeer = (peer: Peer, ipsOf: ReadonlyMap<string, string[]>): Resolved => {
  if (peer.type === 'cidr') return { cidrs: [peer.cidr] };
  if (peer.type === 'fqdn')
    return { unrenderable: `a rule names ${peer.fqdn}, which has no fixed addresses` };
  return { cidrs: (ipsOf.get(`${peer.namespace}/${peer.name}`) ?? []).map(hostCidr) };
};

type Port = { transport: AllowEntry['transport']; port: number; portEnd?: number };

/** Peers per (transport, port range), sorted, so the same rules always give the same list and hash. */
const direction = (
  wanted: readonly { peer: Peer; port: Port }[],
  ipsOf: ReadonlyMap<string, string[]>,
  maxRules: number,
): AllowDirection => {
  const byPort = new Map<string, { port: Port; cidrs: Set<string> }>();
  for (const { peer, port } of wanted) {
    const resolved = resolvePeer(peer, ipsOf);
    if ('unrenderable' in resolved) return { enforce: false, reason: resolved.unrenderable };
    const key = `${port.transport}/${port.port}-${port.portEnd ?? port.port}`;
    const slot = byPort.get(key) ?? { port, cidrs: new Set<string>() };
    for (const cidr of resolved.cidrs) slot.cidrs.add(cidr);
    byPort.set(key, slot);
  }
  const entries: AllowEntry[] = [...byPort.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .filter(([, slot]) => slot.cidrs.size > 0)
    .map(([, { port, cidrs }]) => ({ ...port, cidrs: [...cidrs].sort() }));
  const result: AllowDirection = { enforce: true, entries };
  const count = allowRuleCount(result);
  if (count > maxRules)
    return { enforce: false, reason: `${count} address/port rules exceed the bound of ${maxRules}` };
  return result;
};

const portOf = (rule: Rule): Port | undefined => {
  if (rule.transport !== 'tcp' && rule.transport !== 'udp') return undefined;
  if (rule.port === 0) return { transport: rule.transport, port: 1, portEnd: 65535 };
  const end = rule.portEnd !== undefined && rule.portEnd > rule.port ? { portEnd: rule.portEnd } : {};
  return { transport: rule.transport, port: rule.port, ...end };
};

const everyPort: Port[] = [
  { transport: 'tcp', port: 1, portEnd: 65535 },
  { transport: 'udp', port: 1, portEnd: 65535 },
];

export const allowListOfGroup = (inputs: AllowListInputs): AllowList => {
  const ipsOf = new Map<string, string[]>();
  for (const pod of inputs.pods) ipsOf.set(pod.group, [...(ipsOf.get(pod.group) ?? []), ...pod.ips]);
  const inbound: { peer: Peer; port: Port }[] = [];
  const outbound: { peer: Peer; port: Port }[] = [];
  for (const rule of inputs.rules) {
    const port = portOf(rule);
    if (port === undefined) continue;
    if (keyOf(rule.to) === inputs.group) inbound.push({ peer: rule.from, port });
    if (keyOf(rule.from) === inputs.group) outbound.push({ peer: rule.to, port });
  }
  // Only the rules' peers: the mesh control plane's are added below whether or not the pod has a proxy.
  const workloadOut = outbound.find(({ peer }) => peer.type === 'group');
  for (const key of inputs.meshControlGroups) {
    const slash = key.indexOf('/');
    const peer: Peer = { type: 'group', namespace: key.slice(0, slash), name: key.slice(slash + 1) };
    for (const port of everyPort) {
      inbound.push({ peer, port });
      outbound.push({ peer, port });
    }
  }
  const max = inputs.maxRules ?? maxAllowRulesPerDirection;
  const lists = {
    inbound: direction(inbound, ipsOf, max),
    outbound:
      !inputs.meshed && workloadOut !== undefined
        ? ({
            enforce: false,
            reason: `no mesh proxy: calls to ${keyOf(workloadOut.peer)} leave through a Service cluster IP, not its pod IPs`,
          } as const)
        : direction(outbound, ipsOf, max),
  };
  const hash = createHash('sha256').update(JSON.stringify(lists)).digest('hex');
  return { group: inputs.group, hash, ...lists };
};

/** The inputs from the store's records: live pods only, host-network pods never stand for their group. */
export const allowListInputsOf = (
  group: string,
  rules: readonly Rule[],
  pods: readonly PodRecord[],
  groups: readonly GroupRecord[],
  now: Date,
): AllowListInputs => ({
  group,
  rules,
  pods: pods.filter((pod) => !pod.hostNetwork && pod.expiresAt > now.toISOString()),
  meshControlGroups: groups.filter((record) => record.meshControl).map((record) => record.key),
  meshed: hasMeshProxy(groups.find((record) => record.key === group)?.labels),
});
