/** Recognises the service mesh's own control plane (istiod, linkerd) and its proxies' ports. */
import type { Peer } from '#core/rule.ts';

/** Ports of mesh control traffic, as the meshes document them. */
export const meshControlPorts: Readonly<Record<number, string>> = {
  15010: 'istiod xDS (plaintext)',
  15012: 'istiod xDS and CA (mTLS)',
  15014: 'istiod monitoring',
  15017: 'istiod webhooks',
  15020: 'istio-proxy merged metrics',
  15021: 'istio-proxy health',
  15090: 'envoy metrics',
  8086: 'linkerd destination',
  8090: 'linkerd policy',
  4191: 'linkerd-proxy admin',
};

const linkerdNamespaces = new Set(['linkerd', 'linkerd-viz', 'linkerd-jaeger', 'linkerd-multicluster']);

/**
 * A group is mesh control plane when it is istio-system's control plane (gateways excluded: they carry
 * user traffic and are protected like any workload) or any linkerd control-plane namespace.
 */
export const isMeshControlGroup = (namespace: string, name: string): boolean => {
  if (linkerdNamespaces.has(namespace)) return true;
  if (namespace === 'istio-system') return !/gateway/.test(name);
  return /^(istiod|istio-pilot)(-|$)/.test(name);
};

const isControlPeer = (peer: Peer): boolean =>
  peer.type === 'group' && isMeshControlGroup(peer.namespace, peer.name);

/** An edge is mesh control traffic when either end is the control plane or it uses a mesh control port. */
export const isMeshControlEdge = (edge: { from: Peer; to: Peer; port: number }): boolean =>
  isControlPeer(edge.from) || isControlPeer(edge.to) || meshControlPorts[edge.port] !== undefined;
