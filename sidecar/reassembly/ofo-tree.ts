/**
 * A red-black tree of held segments ordered by sequence number, balanced exactly as Linux's lib/rbtree.c balances
 * its out-of-order queue (insert: __rb_insert; erase: __rb_erase_augmented with the successor, then
 * ____rb_erase_color; replace: rb_replace_node). The shape matters, not only the order: where held segments overlap,
 * the kernel's walk settles some overlaps by which segment it meets first (ofo-queue.ts).
 */

export type OfoNode = {
  seq: number;
  /** Sequence number after the last octet (seq + data length, modulo 2^32). */
  end: number;
  data: Uint8Array;
  ts: number;
  /** Segments joined into this one (Linux stops joining when an skb runs out of fragments). */
  pieces: number;
  left: OfoNode | undefined;
  right: OfoNode | undefined;
  parent: OfoNode | undefined;
  red: boolean;
};

export const ofoNode = (seq: number, end: number, data: Uint8Array, ts: number): OfoNode => ({
  seq,
  end,
  data,
  ts,
  pieces: 1,
  left: undefined,
  right: undefined,
  parent: undefined,
  red: true,
});

const child = (node: OfoNode, left: boolean): OfoNode | undefined => (left ? node.left : node.right);

const setChild = (node: OfoNode, left: boolean, value: OfoNode | undefined): void => {
  if (left) node.left = value;
  else node.right = value;
};

export class OfoTree {
  root: OfoNode | undefined = undefined;
  size = 0;

  /** Puts `child` where `old` was under `parent` (or at the root). */
  private changeChild(old: OfoNode, child: OfoNode | undefined, parent: OfoNode | undefined): void {
    if (parent === undefined) this.root = child;
    else if (parent.left === old) parent.left = child;
    else parent.right = child;
  }

  /** After a rotation: `next` takes `old`'s parent, `old` gets `next` as parent and `color`. */
  private rotateSetParents(old: OfoNode, next: OfoNode, red: boolean): void {
    const parent = old.parent;
    next.parent = parent;
    next.red = old.red;
    old.parent = next;
    old.red = red;
    this.changeChild(old, next, parent);
  }

  /** Links `node` as the left or right child of `parent` (undefined: the root) and rebalances (__rb_insert). */
  insertAt(node: OfoNode, parent: OfoNode | undefined, left: boolean): void {
    node.parent = parent;
    node.left = undefined;
    node.right = undefined;
    node.red = true;
    if (parent === undefined) this.root = node;
    else if (left) parent.left = node;
    else parent.right = node;
    this.size += 1;
    this.insertColor(node);
  }

  /**
   * __rb_insert's loop: `node` is red; while its parent is red, flip colours (red uncle) or rotate (black uncle).
   * `inner` is the side the parent hangs on from the grandparent; the other side mirrors it.
   */
  private insertColor(start: OfoNode): void {
    let node = start;
    let parent = node.parent;
    for (;;) {
      if (parent === undefined) {
        node.red = false;
        return;
      }
      if (!parent.red) return;
      const gparent = parent.parent as OfoNode;
      const inner = gparent.left === parent;
      const uncle = child(gparent, !inner);
      if (uncle?.red === true) {
        uncle.red = false;
        parent.red = false;
        node = gparent;
        parent = node.parent;
        node.red = true;
        continue;
      }
      this.insertRotate(node, parent, gparent, inner);
      return;
    }
  }

  /** Cases 2 and 3 of __rb_insert: rotate at the parent when `node` is on the outer side, then at the grandparent. */
  private insertRotate(node: OfoNode, start: OfoNode, gparent: OfoNode, inner: boolean): void {
    let parent = start;
    let tmp = child(parent, !inner);
    if (node === tmp) {
      tmp = child(node, inner);
      setChild(parent, !inner, tmp);
      setChild(node, inner, parent);
      if (tmp !== undefined) {
        tmp.parent = parent;
        tmp.red = false;
      }
      parent.parent = node;
      parent.red = true;
      parent = node;
      tmp = child(node, !inner);
    }
    setChild(gparent, inner, tmp);
    setChild(parent, !inner, gparent);
    if (tmp !== undefined) {
      tmp.parent = gparent;
      tmp.red = false;
    }
    this.rotateSetParents(gparent, parent, true);
  }

  /** `next` takes `old`'s place, links and colour (rb_replace_node). */
  replace(old: OfoNode, next: OfoNode): void {
    next.left = old.left;
    next.right = old.right;
    next.parent = old.parent;
    next.red = old.red;
    if (old.left !== undefined) old.left.parent = next;
    if (old.right !== undefined) old.right.parent = next;
    this.changeChild(old, next, old.parent);
  }

  /** Removes `node` (__rb_erase_augmented, then ____rb_erase_color when a black node left a path short). */
  erase(node: OfoNode): void {
    this.size -= 1;
    const rebalance = this.unlink(node);
    if (rebalance !== undefined) this.eraseColor(rebalance);
  }

  private unlink(node: OfoNode): OfoNode | undefined {
    const child = node.right;
    let tmp = node.left;
    if (tmp === undefined) {
      const parent = node.parent;
      this.changeChild(node, child, parent);
      if (child !== undefined) {
        child.parent = parent;
        child.red = node.red;
        return undefined;
      }
      return node.red ? undefined : parent;
    }
    if (child === undefined) {
      tmp.parent = node.parent;
      tmp.red = node.red;
      this.changeChild(node, tmp, node.parent);
      return undefined;
    }
    let successor = child;
    let parent: OfoNode;
    let child2: OfoNode | undefined;
    tmp = child.left;
    if (tmp === undefined) {
      parent = successor;
      child2 = successor.right;
    } else {
      do {
        parent = successor;
        successor = tmp;
        tmp = tmp.left;
      } while (tmp !== undefined);
      child2 = successor.right;
      parent.left = child2;
      successor.right = child;
      child.parent = successor;
    }
    successor.left = node.left;
    (node.left as OfoNode).parent = successor;
    this.changeChild(node, successor, node.parent);
    const successorWasRed = successor.red;
    successor.parent = node.parent;
    successor.red = node.red;
    if (child2 !== undefined) {
      child2.parent = parent;
      child2.red = false;
      return undefined;
    }
    return successorWasRed ? undefined : parent;
  }

  /**
   * ____rb_erase_color: the paths through `node` (under `parent`) are one black node short. `left` says on which
   * side of its parent `node` is; the other side mirrors it.
   */
  private eraseColor(start: OfoNode): void {
    let parent: OfoNode | undefined = start;
    let node: OfoNode | undefined;
    while (parent !== undefined) {
      const left = parent.right !== node;
      if (!this.eraseStep(parent, left)) return;
      node = parent;
      parent = node.parent;
    }
  }

  /** One step of ____rb_erase_color; true when the shortage moved up to `parent`'s parent. */
  private eraseStep(parent: OfoNode, left: boolean): boolean {
    let sibling = child(parent, !left) as OfoNode;
    if (sibling.red) {
      // Case 1: rotate at the parent.
      const tmp1 = child(sibling, left) as OfoNode;
      setChild(parent, !left, tmp1);
      setChild(sibling, left, parent);
      tmp1.parent = parent;
      tmp1.red = false;
      this.rotateSetParents(parent, sibling, true);
      sibling = tmp1;
    }
    let tmp1 = child(sibling, !left);
    if (tmp1?.red !== true) {
      const tmp2 = child(sibling, left);
      if (tmp2?.red !== true) {
        // Case 2: flip the sibling red.
        sibling.parent = parent;
        sibling.red = true;
        if (!parent.red) return true;
        parent.red = false;
        return false;
      }
      // Case 3: rotate at the sibling.
      tmp1 = child(tmp2, !left);
      setChild(sibling, left, tmp1);
      setChild(tmp2, !left, sibling);
      setChild(parent, !left, tmp2);
      if (tmp1 !== undefined) {
        tmp1.parent = sibling;
        tmp1.red = false;
      }
      tmp1 = sibling;
      sibling = tmp2;
    }
    // Case 4: rotate at the parent, with colour flips.
    const tmp2 = child(sibling, left);
    setChild(parent, !left, tmp2);
    setChild(sibling, left, parent);
    (tmp1 as OfoNode).parent = sibling;
    (tmp1 as OfoNode).red = false;
    if (tmp2 !== undefined) tmp2.parent = parent;
    this.rotateSetParents(parent, sibling, false);
    return false;
  }

  first(): OfoNode | undefined {
    let node = this.root;
    while (node?.left !== undefined) node = node.left;
    return node;
  }

  last(): OfoNode | undefined {
    let node = this.root;
    while (node?.right !== undefined) node = node.right;
    return node;
  }

  /** The segment after `start` in sequence order. */
  next(start: OfoNode): OfoNode | undefined {
    return step(start, false);
  }

  /** The segment before `start` in sequence order. */
  prev(start: OfoNode): OfoNode | undefined {
    return step(start, true);
  }
}

/** The in-order neighbour of `start`: the predecessor going `back`, else the successor. */
const step = (start: OfoNode, back: boolean): OfoNode | undefined => {
  let node = child(start, back);
  if (node !== undefined) {
    for (let further = child(node, !back); further !== undefined; further = child(further, !back))
      node = further;
    return node;
  }
  node = start;
  let parent = node.parent;
  while (parent !== undefined && node === child(parent, back)) {
    node = parent;
    parent = node.parent;
  }
  return parent;
};
