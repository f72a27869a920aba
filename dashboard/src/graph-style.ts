/**
 * Cytoscape styles. Colour is never the only cue (Okabe–Ito palette, safe for colour-blind readers):
 * encrypted is a solid blue line, plaintext a dashed orange line, a violation a thick dotted vermillion
 * line with a bar at its end; protect mode is a double border, discover a dashed one.
 */
import type { StylesheetJson } from 'cytoscape';

export const edgeColours = {
  encrypted: '#0072B2',
  plaintext: '#E69F00',
  violation: '#D55E00',
  mesh: '#8c8c8c',
};

export const graphStyle: StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': 11,
      'min-zoomed-font-size': 7,
      'text-valign': 'bottom',
      'text-margin-y': 4,
      color: '#1a1a1a',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.8,
      'background-color': '#f0f4f8',
      'border-width': 2,
      'border-color': '#335',
      shape: 'round-rectangle',
      width: 28,
      height: 28,
    },
  },
  { selector: 'node[kind != "group"]', style: { shape: 'diamond', 'background-color': '#fff8e1' } },
  { selector: 'node[mode = "protect"]', style: { 'border-style': 'double', 'border-width': 5 } },
  { selector: 'node[mode = "discover"]', style: { 'border-style': 'dashed' } },
  { selector: 'node[?meshControl]', style: { 'background-color': '#e0e0e0', 'border-color': '#8c8c8c' } },
  { selector: 'node[?violating]', style: { 'border-color': edgeColours.violation, 'border-width': 4 } },
  { selector: 'node:selected', style: { 'overlay-color': '#0072B2', 'overlay-opacity': 0.25 } },
  {
    selector: 'edge',
    style: {
      width: 2,
      'curve-style': 'bezier',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.9,
      label: 'data(label)',
      'font-size': 9,
      'min-zoomed-font-size': 9,
      'text-rotation': 'autorotate',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.8,
    },
  },
  {
    selector: 'edge[style = "encrypted"]',
    style: { 'line-color': edgeColours.encrypted, 'target-arrow-color': edgeColours.encrypted },
  },
  {
    selector: 'edge[style = "plaintext"]',
    style: {
      'line-color': edgeColours.plaintext,
      'target-arrow-color': edgeColours.plaintext,
      'line-style': 'dashed',
    },
  },
  {
    selector: 'edge[style = "violation"]',
    style: {
      'line-color': edgeColours.violation,
      'target-arrow-color': edgeColours.violation,
      'target-arrow-shape': 'tee',
      'line-style': 'dotted',
      width: 4,
    },
  },
  { selector: 'edge[?meshControl]', style: { opacity: 0.6, width: 1 } },
];
