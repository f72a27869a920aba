/** The service graph: groups and external peers as nodes, rules as edges (protocol, encrypted, mesh control). */
import type { Rule } from '#core/rule.ts';
import { describePeer } from '#functions/learn/describe-peer.ts';
import { isMeshControlEdge } from '#functions/learn/mesh-control.ts';
import type { GroupRecord } from '#functions/platform/store/store.ts';

export type GraphNode = {
  id: string;
  kind: 'group' | 'cidr' | 'fqdn';
  namespace?: string;
  mode?: GroupRecord['mode'];
  meshControl: boolean;
};

export type GraphEdge = {
  id: string;
  from: string;
  to: string;
  port: number;
  portEnd?: number;
  protocol: Rule['protocol'];
  /** The protocol itself encrypts (TLS, SSH): the tap saw ciphertext, not layer 7. */
  encrypted: boolean;
  meshControl: boolean;
  hits: number;
  lastSeen: string;
};

export type ServiceGraph = { nodes: GraphNode[]; edges: GraphEdge[] };

const encryptedProtocols = new Set(['tls', 'ssh']);

const nodeOf = (peer: Rule['from'], groups: ReadonlyMap<string, GroupRecord>): GraphNode => {
  const id = describePeer(peer);
  if (peer.type !== 'group') return { id, kind: peer.type, meshControl: false };
  const group = groups.get(id);
  const node: GraphNode = {
    id,
    kind: 'group',
    namespace: peer.namespace,
    meshControl: group?.meshControl ?? false,
  };
  if (group !== undefined) node.mode = group.mode;
  return node;
};

export const serviceGraph = (
  groups: readonly GroupRecord[],
  rules: readonly Rule[],
  options: { hideMeshControl?: boolean } = {},
): ServiceGraph => {
  const byKey = new Map(groups.map((g) => [g.key, g]));
  const nodes = new Map<string, GraphNode>();
  for (const group of groups)
    nodes.set(group.key, nodeOf({ type: 'group', namespace: group.namespace, name: group.name }, byKey));
  const edges: GraphEdge[] = [];
  for (const rule of rules) {
    const meshControl = isMeshControlEdge(rule);
    if (meshControl && options.hideMeshControl) continue;
    for (const peer of [rule.from, rule.to]) nodes.set(describePeer(peer), nodeOf(peer, byKey));
    const edge: GraphEdge = {
      id: rule.id,
      from: describePeer(rule.from),
      to: describePeer(rule.to),
      port: rule.port,
      protocol: rule.protocol,
      encrypted: encryptedProtocols.has(rule.protocol),
      meshControl,
      hits: rule.hits,
      lastSeen: rule.lastSeen,
    };
    if (rule.portEnd !== undefined) edge.portEnd = rule.portEnd;
    edges.push(edge);
  }
  const visible = [...nodes.values()].filter((node) => !(options.hideMeshControl && node.meshControl));
  return { nodes: visible.sort((a, b) => a.id.localeCompare(b.id)), edges };
};
