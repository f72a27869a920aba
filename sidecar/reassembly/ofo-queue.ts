/**
 * Out-of-order TCP segments held until the hole before them fills, kept as Linux keeps its out-of-order queue
 * (tcp_data_queue_ofo; delivery in tcp_ofo_queue), since the pods we watch run on Linux and an attacker who sends
 * overlapping segments with different bytes (a classic IDS evasion) is counting on the tap keeping another copy
 * than the kernel. Held segments keep their own start and may overlap. A new segment:
 * - that continues the last held segment exactly, or the one the walk meets that it continues, is appended to it
 *   (tcp_ooo_try_coalesce; up to 17 pieces, where an skb runs out of fragments);
 * - that lies inside the segment the walk meets at its start is dropped ("all the bits are present");
 * - that starts where that segment starts and reaches further replaces it;
 * - otherwise is inserted, and removes the segments after it that it wholly covers (merge_right).
 * The walk is the kernel's, on a tree balanced as the kernel's (ofo-tree.ts): test/e2e/kernel-streams.test.ts and
 * `npm run bench kernel-agreement` compare the result with what a real kernel hands the application.
 */
import { type OfoNode, OfoTree, ofoNode } from './ofo-tree.ts';
import type { ReassemblyStats } from './reassembly-stats.ts';
import { seqAdd, seqDiff } from './seq.ts';

/** MAX_SKB_FRAGS + 1: how many segments Linux joins into one queued skb at most. */
const maxPieces = 18;

const differs = (a: Uint8Array, b: Uint8Array): boolean => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  return false;
};

const appended = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};

export class OfoQueue {
  private readonly tree = new OfoTree();
  /** The held segment with the highest start (the kernel's ooo_last_skb). */
  private lastNode: OfoNode | undefined;
  /** Bytes held right now (overlapping segments count each). */
  bytes = 0;

  get size(): number {
    return this.tree.size;
  }

  first(): OfoNode | undefined {
    return this.tree.first();
  }

  /** Removes a held segment (the first when delivering, the last when pruning). */
  remove(node: OfoNode): void {
    if (node === this.lastNode) this.lastNode = this.tree.size > 1 ? this.tree.prev(node) : undefined;
    this.tree.erase(node);
    this.bytes -= node.data.length;
  }

  last(): OfoNode | undefined {
    return this.lastNode;
  }

  /** Appends `data` to `node` when it continues it exactly and the kernel could still join them. */
  private tryCoalesce(node: OfoNode, seq: number, data: Uint8Array, ts: number): boolean {
    if (node.end !== seq || node.pieces >= maxPieces) return false;
    node.data = appended(node.data, data);
    node.end = seqAdd(node.end, data.length);
    node.pieces += 1;
    node.ts = ts;
    this.bytes += data.length;
    return true;
  }

  /** The held segment with the greatest start at or before `seq`, else the first. */
  private floor(seq: number): OfoNode | undefined {
    let found: OfoNode | undefined;
    for (let at = this.tree.root; at !== undefined; ) {
      if (seqDiff(at.seq, seq) <= 0) {
        found = at;
        at = at.right;
      } else at = at.left;
    }
    return found ?? this.tree.first();
  }

  /**
   * Counts an overlap with held bytes, and a conflict where they differ (for the flow's notes), from the segment
   * at or before the new one on: a bounded look, not a walk over every held segment.
   */
  private countOverlaps(seq: number, data: Uint8Array, stats: ReassemblyStats): void {
    let overlapped = false;
    for (let node = this.floor(seq); node !== undefined; node = this.tree.next(node)) {
      const from = seqDiff(node.seq, seq);
      if (from >= data.length) break;
      const to = from + node.data.length;
      if (to <= 0) continue;
      overlapped = true;
      const lo = Math.max(0, from);
      const hi = Math.min(data.length, to);
      if (differs(data.subarray(lo, hi), node.data.subarray(lo - from, hi - from))) stats.conflicts += 1;
    }
    if (overlapped) stats.overlaps += 1;
  }

  /** Holds `data` at `seq` as the kernel's queue would (`bytes` follows). */
  hold(seq: number, data: Uint8Array, ts: number, stats: ReassemblyStats): void {
    if (this.tree.size > 0) this.countOverlaps(seq, data, stats);
    this.insert(seq, data, ts);
  }

  private insert(seq: number, data: Uint8Array, ts: number): void {
    const end = seqAdd(seq, data.length);
    const last = this.lastNode ?? this.tree.last();
    if (last === undefined) {
      const node = ofoNode(seq, end, data.slice(), ts);
      this.tree.insertAt(node, undefined, true);
      this.lastNode = node;
      this.bytes += data.length;
      return;
    }
    // The usual case first: after the last held segment, or continuing it.
    if (this.tryCoalesce(last, seq, data, ts)) return;
    if (seqDiff(seq, last.end) >= 0) {
      this.link(ofoNode(seq, end, data.slice(), ts), last, false);
      return;
    }
    let parent: OfoNode | undefined;
    let left = true;
    for (let at = this.tree.root; at !== undefined; ) {
      parent = at;
      left = seqDiff(seq, at.seq) < 0;
      if (!left && this.settledAt(at, seq, end, data, ts)) return;
      at = left ? at.left : at.right;
    }
    this.link(ofoNode(seq, end, data.slice(), ts), parent, left);
  }

  /**
   * What the kernel's walk does at a held segment starting at or before the new one: true when that settles the new
   * segment (appended, dropped as already present, or replacing a segment with the same start), false to go on.
   */
  private settledAt(at: OfoNode, seq: number, end: number, data: Uint8Array, ts: number): boolean {
    if (seqDiff(seq, at.end) >= 0) return this.tryCoalesce(at, seq, data, ts);
    if (seqDiff(end, at.end) <= 0) return true; // all the bits are present
    if (seq !== at.seq) return false; // partial overlap: the walk goes on
    const node = ofoNode(seq, end, data.slice(), ts);
    this.tree.replace(at, node);
    if (this.lastNode === at) this.lastNode = node;
    this.bytes += data.length - at.data.length;
    this.mergeRight(node);
    return true;
  }

  private link(node: OfoNode, parent: OfoNode | undefined, left: boolean): void {
    this.tree.insertAt(node, parent, left);
    this.bytes += node.data.length;
    this.mergeRight(node);
  }

  /** Removes the segments after `node` that it wholly covers; it is the last when nothing follows it. */
  private mergeRight(node: OfoNode): void {
    let next = this.tree.next(node);
    while (next !== undefined) {
      if (seqDiff(node.end, next.seq) <= 0) break;
      if (seqDiff(node.end, next.end) < 0) break;
      const covered = next;
      next = this.tree.next(covered);
      this.tree.erase(covered);
      this.bytes -= covered.data.length;
      if (this.lastNode === covered) this.lastNode = undefined;
    }
    if (next === undefined) this.lastNode = node;
  }

  /**
   * Joins runs of contiguous held segments into one, up to `maxRun` bytes a run (the kernel collapses its queue
   * under memory pressure too): many tiny segments sent ahead of a hole then hold few.
   */
  collapse(maxRun: number): void {
    let node = this.tree.first();
    while (node !== undefined) {
      let next = this.tree.next(node);
      while (next !== undefined && next.seq === node.end && node.data.length + next.data.length <= maxRun) {
        node.data = appended(node.data, next.data);
        node.end = next.end;
        node.ts = next.ts;
        const gone = next;
        next = this.tree.next(gone);
        if (this.lastNode === gone) this.lastNode = node;
        this.tree.erase(gone);
      }
      node = next;
    }
  }
}
