/** The out-of-order queue's red-black tree keeps its invariants through inserts, erases and replacements. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OfoNode, OfoTree, ofoNode } from '#sidecar/reassembly/ofo-tree.ts';

/** Black height of the subtree, checking order, colours and parent links on the way; throws on a violation. */
const check = (node: OfoNode | undefined, parent: OfoNode | undefined, low: number, high: number): number => {
  if (node === undefined) return 1;
  if (node.parent !== parent) throw new Error(`parent link broken at ${node.seq}`);
  if (node.seq <= low || node.seq >= high) throw new Error(`order broken at ${node.seq}`);
  if (node.red && (node.left?.red || node.right?.red))
    throw new Error(`red node with a red child at ${node.seq}`);
  const left = check(node.left, node, low, node.seq);
  const right = check(node.right, node, node.seq, high);
  if (left !== right) throw new Error(`black heights differ at ${node.seq}`);
  return left + (node.red ? 0 : 1);
};

const count = (node: OfoNode | undefined): number =>
  node === undefined ? 0 : 1 + count(node.left) + count(node.right);

/** Inserts by key as a search tree does. */
const insert = (tree: OfoTree, seq: number): OfoNode => {
  const node = ofoNode(seq, seq + 1, new Uint8Array(1), 0);
  let parent: OfoNode | undefined;
  let left = true;
  for (let at = tree.root; at !== undefined; ) {
    parent = at;
    left = seq < at.seq;
    at = left ? at.left : at.right;
  }
  tree.insertAt(node, parent, left);
  return node;
};

/** One operation on the tree and the map of its nodes by key (a no-op where the key's presence forbids it). */
const apply = (tree: OfoTree, nodes: Map<number, OfoNode>, operation: string, seq: number): void => {
  const present = nodes.get(seq);
  if (operation === 'insert' && present === undefined) nodes.set(seq, insert(tree, seq));
  else if (operation === 'erase' && present !== undefined) {
    tree.erase(present);
    nodes.delete(seq);
  } else if (operation === 'replace' && present !== undefined) {
    const next = ofoNode(seq, seq + 2, new Uint8Array(2), 1);
    tree.replace(present, next);
    nodes.set(seq, next);
  }
};

describe('out-of-order queue tree', () => {
  it('stays a red-black search tree with consistent links through random inserts, erases and replacements', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('insert', 'insert', 'erase', 'replace'), fc.nat(500)), {
          maxLength: 300,
          size: 'max',
        }),
        (operations) => {
          const tree = new OfoTree();
          const nodes = new Map<number, OfoNode>();
          for (const [operation, key] of operations) {
            apply(tree, nodes, operation, key + 1);
            if (tree.root?.red) throw new Error('red root');
            check(tree.root, undefined, 0, Number.POSITIVE_INFINITY);
          }
          expect(count(tree.root)).toBe(nodes.size);
          expect(tree.size).toBe(nodes.size);
          const inOrder: number[] = [];
          for (let node = tree.first(); node !== undefined; node = tree.next(node)) inOrder.push(node.seq);
          expect(inOrder).toEqual([...nodes.keys()].sort((a, b) => a - b));
          expect(tree.last()?.seq).toBe(inOrder.at(-1));
          const backwards: number[] = [];
          for (let node = tree.last(); node !== undefined; node = tree.prev(node)) backwards.push(node.seq);
          expect(backwards).toEqual([...inOrder].reverse());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('has the shape of the textbook algorithm: 1..7 inserted in order balance around 2 and 4', () => {
    const tree = new OfoTree();
    for (let seq = 1; seq <= 7; seq++) insert(tree, seq);
    const shape = (node: OfoNode | undefined): unknown =>
      node === undefined ? null : [node.seq, node.red ? 'r' : 'b', shape(node.left), shape(node.right)];
    expect(shape(tree.root)).toEqual([
      2,
      'b',
      [1, 'b', null, null],
      [4, 'r', [3, 'b', null, null], [6, 'b', [5, 'r', null, null], [7, 'r', null, null]]],
    ]);
  });
});
