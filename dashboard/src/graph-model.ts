/** What the graph shows: rules and violations as styled edges, filtered by namespace, protocol, mesh, encryption. */
import {
  describePeer,
  type FindingRecord,
  type GraphEdge,
  type GraphNode,
  type ServiceGraph,
} from './api-types.ts';

export type GraphFilters = {
  namespace: string;
  protocol: string;
  showMeshControl: boolean;
  encryptedOnly: boolean;
  violationsOnly: boolean;
};

export const defaultFilters: GraphFilters = {
  namespace: '',
  protocol: '',
  showMeshControl: false,
  encryptedOnly: false,
  violationsOnly: false,
};

export type EdgeStyle = 'encrypted' | 'plaintext' | 'violation';

export type ModelEdge = {
  id: string;
  source: string;
  target: string;
  label: string;
  style: EdgeStyle;
  protocol: string;
  meshControl: boolean;
  hits: number;
};

export type ModelNode = GraphNode & { label: string; violating: boolean };

export type GraphModel = {
  nodes: ModelNode[];
  edges: ModelEdge[];
  namespaces: string[];
  protocols: string[];
};

const portLabel = (edge: { port: number; portEnd?: number }) =>
  edge.portEnd === undefined ? String(edge.port) : `${edge.port}-${edge.portEnd}`;

const ruleEdge = (edge: GraphEdge): ModelEdge => ({
  id: edge.id,
  source: edge.from,
  target: edge.to,
  label: `${edge.protocol}/${portLabel(edge)}`,
  style: edge.encrypted ? 'encrypted' : 'plaintext',
  protocol: edge.protocol,
  meshControl: edge.meshControl,
  hits: edge.hits,
});

/** One edge per distinct violating peer pair and port, counting the violations behind it. */
const violationEdges = (
  violations: readonly FindingRecord[],
  meshNodes: ReadonlySet<string>,
): ModelEdge[] => {
  const edges = new Map<string, ModelEdge>();
  for (const record of violations) {
    const rule = record.proposal;
    if (rule === undefined) continue;
    const source = describePeer(rule.from);
    const target = describePeer(rule.to);
    const id = `violation:${source}->${target}:${rule.port}`;
    const existing = edges.get(id);
    if (existing !== undefined) existing.hits += 1;
    else {
      const meshControl = meshNodes.has(source) || meshNodes.has(target);
      const label = `${rule.protocol}/${rule.port} violation`;
      edges.set(id, {
        id,
        source,
        target,
        label,
        style: 'violation',
        protocol: rule.protocol,
        meshControl,
        hits: 1,
      });
    }
  }
  return [...edges.values()];
};

const externalNode = (id: string): GraphNode => ({
  id,
  kind: /^[\d.:/a-f]+$/i.test(id) ? 'cidr' : 'fqdn',
  meshControl: false,
});

const edgePasses = (edge: ModelEdge, filters: GraphFilters): boolean =>
  (filters.showMeshControl || !edge.meshControl) &&
  (filters.protocol === '' || edge.protocol === filters.protocol) &&
  (!filters.encryptedOnly || edge.style === 'encrypted') &&
  (!filters.violationsOnly || edge.style === 'violation');

const inNamespace = (node: GraphNode | undefined, namespace: string) =>
  namespace === '' || node?.namespace === namespace;

const edgeFiltersActive = (f: GraphFilters) => f.protocol !== '' || f.encryptedOnly || f.violationsOnly;

export const graphModel = (
  graph: ServiceGraph,
  violations: readonly FindingRecord[],
  filters: GraphFilters,
): GraphModel => {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const meshNodes = new Set(graph.nodes.filter((n) => n.meshControl).map((n) => n.id));
  const all = [...graph.edges.map(ruleEdge), ...violationEdges(violations, meshNodes)];
  for (const edge of all)
    for (const id of [edge.source, edge.target]) if (!nodes.has(id)) nodes.set(id, externalNode(id));
  const edges = all.filter(
    (edge) =>
      edgePasses(edge, filters) &&
      (inNamespace(nodes.get(edge.source), filters.namespace) ||
        inNamespace(nodes.get(edge.target), filters.namespace)),
  );
  const touched = new Set(edges.flatMap((edge) => [edge.source, edge.target]));
  const violating = new Set(
    edges.filter((e) => e.style === 'violation').flatMap((e) => [e.source, e.target]),
  );
  const visible = [...nodes.values()].filter(
    (node) =>
      touched.has(node.id) ||
      (!edgeFiltersActive(filters) &&
        node.kind === 'group' &&
        inNamespace(node, filters.namespace) &&
        (filters.showMeshControl || !node.meshControl)),
  );
  return {
    nodes: visible.map((node) => ({ ...node, label: node.id, violating: violating.has(node.id) })),
    edges,
    namespaces: [
      ...new Set(graph.nodes.flatMap((n) => (n.namespace === undefined ? [] : [n.namespace]))),
    ].sort(),
    protocols: [...new Set(all.map((e) => e.protocol))].sort(),
  };
};
