/** graphModel: rules and violations become styled edges; filters hide mesh control, protocols, plaintext, namespaces. */
import { describe, expect, it } from 'vitest';
import type { FindingRecord, GraphEdge, GraphNode, ServiceGraph } from '../../dashboard/src/api-types.ts';
import { defaultFilters, type GraphFilters, graphModel } from '../../dashboard/src/graph-model.ts';

const node = (id: string, meshControl = false): GraphNode => {
  const [namespace = ''] = id.split('/');
  return { id, kind: 'group', namespace, mode: 'discover', meshControl };
};
const edge = (
  from: string,
  to: string,
  port: number,
  protocol: string,
  extra: Partial<GraphEdge> = {},
): GraphEdge => ({
  id: `${from}>${to}:${port}`,
  from,
  to,
  port,
  protocol,
  encrypted: protocol === 'tls',
  meshControl: false,
  hits: 5,
  lastSeen: '2026-11-26T11:00:00.000Z',
  ...extra,
});

const graph: ServiceGraph = {
  nodes: ['shop/frontend', 'shop/cart', 'shop/redis', 'pay/api']
    .map((id) => node(id))
    .concat(node('istio-system/istiod', true)),
  edges: [
    edge('shop/frontend', 'shop/cart', 7070, 'grpc'),
    edge('shop/cart', 'shop/redis', 6379, 'redis'),
    edge('shop/frontend', 'pay/api', 443, 'tls'),
    edge('shop/frontend', 'api.stripe.com', 443, 'tls'),
    edge('shop/cart', 'istio-system/istiod', 15012, 'tls', { meshControl: true }),
  ],
};

const violation = (id: string, from: string, to: string, port: number): FindingRecord => {
  const [fromNs = '', fromName = ''] = from.split('/');
  const [toNs = '', toName = ''] = to.split('/');
  return {
    id,
    namespace: toNs,
    group: to,
    kind: 'violation',
    at: '2026-11-26T11:00:00.000Z',
    finding: { type: 'violation' },
    proposal: {
      id: `p-${id}`,
      from: { type: 'group', namespace: fromNs, name: fromName },
      to: { type: 'group', namespace: toNs, name: toName },
      transport: 'tcp',
      port,
      protocol: 'redis',
      source: 'manual',
      hits: 0,
      firstSeen: '',
      lastSeen: '',
    },
  };
};
const violations = [
  violation('v1', 'shop/frontend', 'shop/redis', 6379),
  violation('v2', 'shop/frontend', 'shop/redis', 6379),
];

const model = (filters: Partial<GraphFilters> = {}) =>
  graphModel(graph, violations, { ...defaultFilters, ...filters });
const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();

describe('graphModel', () => {
  it('hides mesh control traffic and its nodes by default, shows them on request', () => {
    const hidden = model();
    expect(ids(hidden.nodes)).not.toContain('istio-system/istiod');
    expect(hidden.edges.some((e) => e.meshControl)).toBe(false);
    const shown = model({ showMeshControl: true });
    expect(ids(shown.nodes)).toContain('istio-system/istiod');
    expect(shown.edges.filter((e) => e.meshControl)).toHaveLength(1);
  });

  it('draws encrypted, plaintext and one violation edge per pair and port, counting the violations', () => {
    const styles = Object.fromEntries(model().edges.map((e) => [e.id, e.style]));
    expect(styles['shop/frontend>pay/api:443']).toBe('encrypted');
    expect(styles['shop/cart>shop/redis:6379']).toBe('plaintext');
    const bad = model().edges.filter((e) => e.style === 'violation');
    expect(bad).toEqual([
      expect.objectContaining({ source: 'shop/frontend', target: 'shop/redis', hits: 2 }),
    ]);
    expect(model().nodes.find((n) => n.id === 'shop/redis')?.violating).toBe(true);
    expect(model().nodes.find((n) => n.id === 'shop/cart')?.violating).toBe(false);
  });

  it('adds external peers as nodes of their own kind', () => {
    expect(model().nodes.find((n) => n.id === 'api.stripe.com')).toMatchObject({
      kind: 'fqdn',
      meshControl: false,
    });
  });

  it('filters to violations only, encrypted only, or one protocol, with only the nodes they touch', () => {
    expect(ids(model({ violationsOnly: true }).nodes)).toEqual(['shop/frontend', 'shop/redis']);
    expect(model({ encryptedOnly: true }).edges.every((e) => e.style === 'encrypted')).toBe(true);
    expect(ids(model({ encryptedOnly: true }).nodes)).toEqual(['api.stripe.com', 'pay/api', 'shop/frontend']);
    expect(model({ protocol: 'grpc' }).edges.map((e) => e.id)).toEqual(['shop/frontend>shop/cart:7070']);
  });

  it('filters by namespace, keeping the peers of edges that cross it', () => {
    const pay = model({ namespace: 'pay' });
    expect(pay.edges.map((e) => e.id)).toEqual(['shop/frontend>pay/api:443']);
    expect(ids(pay.nodes)).toEqual(['pay/api', 'shop/frontend']);
  });

  it('lists the namespaces and protocols to choose from', () => {
    expect(model().namespaces).toEqual(['istio-system', 'pay', 'shop']);
    expect(model().protocols).toEqual(['grpc', 'redis', 'tls']);
  });

  it('keeps isolated services visible when no edge filter is on', () => {
    const lonely = graphModel({ nodes: [node('shop/batch')], edges: [] }, [], defaultFilters);
    expect(ids(lonely.nodes)).toEqual(['shop/batch']);
  });
});
