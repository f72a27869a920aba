/** The Cytoscape graph: renders a model incrementally, keeps every node where it was, reports counts in the DOM. */
import cytoscape, { type Core, type ElementDefinition, type NodeSingular } from 'cytoscape';
import type { GraphModel } from './graph-model.ts';
import { graphStyle } from './graph-style.ts';
import { type Point, placeNewNodes } from './stable-layout.ts';

export type GraphView = {
  render(model: GraphModel): void;
  relayout(): void;
  select(id: string): void;
  /** After the container was hidden: Cytoscape must re-read its size. */
  resize(): void;
  /** Zooms and pans to show every node; moves none. */
  fit(): void;
};

/** Above this many nodes the first layout is a grid: a force layout would hold the page for seconds. */
const forceLayoutLimit = 150;

const nodeData = (node: GraphModel['nodes'][number]) => ({
  id: node.id,
  label: node.label,
  kind: node.kind,
  mode: node.mode ?? 'none',
  meshControl: node.meshControl,
  violating: node.violating,
});

const edgeData = (edge: GraphModel['edges'][number]) => ({ ...edge });

const runLayout = (cy: Core, positions: Map<string, Point>): void => {
  const many = cy.nodes().length > forceLayoutLimit;
  const options = many
    ? {
        name: 'grid',
        animate: false,
        avoidOverlap: true,
        sort: (a: NodeSingular, b: NodeSingular) => a.id().localeCompare(b.id()),
      }
    : {
        name: 'cose',
        animate: false,
        randomize: true,
        numIter: 1500,
        idealEdgeLength: () => 140,
        nodeRepulsion: () => 400_000,
        nodeDimensionsIncludeLabels: true,
      };
  cy.layout(options as cytoscape.LayoutOptions).run();
  cy.nodes().forEach((node) => {
    positions.set(node.id(), { ...node.position() });
  });
  cy.fit(undefined, 30);
  // A handful of services would otherwise be blown up to fill the canvas.
  if (cy.zoom() > 1.2) {
    cy.zoom(1.2);
    cy.center();
  }
};

const sync = (cy: Core, model: GraphModel, positions: Map<string, Point>): string[] => {
  const wanted = new Set([...model.nodes.map((n) => n.id), ...model.edges.map((e) => e.id)]);
  cy.elements().forEach((element) => {
    if (!wanted.has(element.id())) element.remove();
  });
  const unplaced = model.nodes.filter((n) => !positions.has(n.id)).map((n) => n.id);
  const placed =
    cy.nodes().length === 0 && positions.size === 0
      ? new Map()
      : placeNewNodes(positions, unplaced, model.edges);
  for (const [id, point] of placed) positions.set(id, point);
  const added: ElementDefinition[] = [];
  for (const node of model.nodes) {
    const existing = cy.getElementById(node.id);
    if (existing.nonempty()) existing.data(nodeData(node));
    else
      added.push({
        group: 'nodes',
        data: nodeData(node),
        position: { ...(positions.get(node.id) ?? { x: 0, y: 0 }) },
      });
  }
  for (const edge of model.edges) {
    const existing = cy.getElementById(edge.id);
    if (existing.nonempty()) existing.data(edgeData(edge));
    else added.push({ group: 'edges', data: edgeData(edge) });
  }
  cy.add(added);
  return unplaced;
};

/** Counts and timing in the DOM, for people (status) and tests (assertions). */
const report = (container: HTMLElement, cy: Core, started: number) => {
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.edges = String(cy.edges().length);
  container.dataset.meshEdges = String(cy.edges('[?meshControl]').length);
  container.dataset.renderMs = String(Math.round(performance.now() - started));
  container.dataset.ready = 'true';
};

export const createGraphView = (container: HTMLElement, onSelect: (id: string) => void): GraphView => {
  const cy = cytoscape({ container, style: graphStyle, minZoom: 0.05, maxZoom: 4, textureOnViewport: true });
  const positions = new Map<string, Point>();
  let laidOut = false;
  cy.on('tap', 'node', (event) => onSelect(event.target.id()));
  cy.on('dragfree', 'node', (event) => {
    positions.set(event.target.id(), { ...event.target.position() });
  });
  return {
    render(model) {
      const started = performance.now();
      cy.batch(() => sync(cy, model, positions));
      if (!laidOut && cy.nodes().length > 0) {
        runLayout(cy, positions);
        laidOut = true;
        container.dataset.layoutRuns = String(Number(container.dataset.layoutRuns ?? 0) + 1);
      }
      report(container, cy, started);
    },
    relayout() {
      positions.clear();
      runLayout(cy, positions);
      container.dataset.layoutRuns = String(Number(container.dataset.layoutRuns ?? 0) + 1);
    },
    resize() {
      cy.resize();
    },
    fit() {
      cy.resize();
      cy.fit(undefined, 30);
    },
    select(id) {
      cy.$(':selected').unselect();
      const node = cy.getElementById(id);
      if (node.nonempty()) {
        node.select();
        cy.animate({ center: { eles: node } }, { duration: 200 });
      }
    },
  };
};
