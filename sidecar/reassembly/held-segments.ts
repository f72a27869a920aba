/**
 * Out-of-order TCP segments held until the hole before them fills. Where they overlap, the bytes kept are the ones
 * Linux would deliver (tcp_data_queue_ofo), since the pods we watch run on Linux and an attacker who sends
 * overlapping segments with different bytes (a classic IDS evasion) is counting on the tap keeping the other copy:
 * the segment that starts earlier wins; on the same start, a new segment at least as long replaces the held one,
 * a shorter one is dropped.
 */
import type { ReassemblyStats } from './reassembly-stats.ts';
import { seqAdd, seqDiff } from './seq.ts';

export type HeldSegment = { seq: number; data: Uint8Array; ts: number };

const differs = (a: Uint8Array, b: Uint8Array): boolean => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  return false;
};

const fromOf = (segment: HeldSegment, base: number): number => seqDiff(segment.seq, base);

/**
 * The index of the first held segment that ends after `origin` (held segments are sorted and disjoint, so their ends
 * are sorted too): a binary search, so that an attacker who makes the tap hold a thousand segments does not make
 * each new one cost a thousand steps.
 */
const firstEndingAfter = (held: readonly HeldSegment[], base: number, origin: number): number => {
  let lo = 0;
  let hi = held.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const segment = held[mid] as HeldSegment;
    if (fromOf(segment, base) + segment.data.length > origin) hi = mid;
    else lo = mid + 1;
  }
  return lo;
};

/** Where the new bytes `[origin, end)` start once held segments that win over them are taken out; -1: all lost. */
const newStart = (
  held: readonly HeldSegment[],
  first: number,
  base: number,
  origin: number,
  end: number,
): number => {
  let start = origin;
  for (let i = first; i < held.length; i++) {
    const segment = held[i] as HeldSegment;
    const from = fromOf(segment, base);
    if (from >= end) break;
    const to = from + segment.data.length;
    // An earlier start wins its overlap; the same start wins over a shorter new segment.
    if (to > start && (from < origin || (from === origin && to > end))) start = Math.max(start, to);
  }
  return start >= end ? -1 : start;
};

/** Counts an overlap of the new bytes with held ones, and a conflict where overlapping bytes differ. */
const countOverlaps = (
  held: readonly HeldSegment[],
  first: number,
  base: number,
  origin: number,
  data: Uint8Array,
  stats: ReassemblyStats,
): void => {
  const end = origin + data.length;
  let overlapped = false;
  for (let i = first; i < held.length; i++) {
    const segment = held[i] as HeldSegment;
    const from = fromOf(segment, base);
    if (from >= end) break;
    const to = from + segment.data.length;
    overlapped = true;
    const lo = Math.max(origin, from);
    const hi = Math.min(end, to);
    if (differs(data.subarray(lo - origin, hi - origin), segment.data.subarray(lo - from, hi - from)))
      stats.conflicts += 1;
  }
  if (overlapped) stats.overlaps += 1;
};

/** Held segments from index `first` on give up their bytes inside `[start, end)` (keeping what lies beyond); returns how many. */
const yieldRange = (held: HeldSegment[], first: number, base: number, start: number, end: number): number => {
  let removed = 0;
  let last = first;
  while (last < held.length && fromOf(held[last] as HeldSegment, base) < end) last++;
  for (let i = last - 1; i >= first; i--) {
    const segment = held[i] as HeldSegment;
    const from = fromOf(segment, base);
    const to = from + segment.data.length;
    if (to <= start) continue;
    if (to > end) {
      removed += end - from;
      held[i] = { seq: seqAdd(base, end), data: segment.data.subarray(end - from), ts: segment.ts };
    } else {
      removed += to - from;
      held.splice(i, 1);
    }
  }
  return removed;
};

/**
 * Inserts `data` at `seq` into `held` (sorted by distance from `base`, disjoint), with the overlap policy above;
 * counts overlaps and overlaps whose bytes differ. Returns the change in bytes held (never negative).
 */
export const holdSegment = (
  held: HeldSegment[],
  base: number,
  seq: number,
  data: Uint8Array,
  ts: number,
  stats: ReassemblyStats,
): number => {
  const origin = seqDiff(seq, base);
  const end = origin + data.length;
  const first = firstEndingAfter(held, base, origin);
  countOverlaps(held, first, base, origin, data, stats);
  const start = newStart(held, first, base, origin, end);
  if (start < 0) return 0;
  const removed = yieldRange(held, first, base, start, end);
  const piece = { seq: seqAdd(base, start), data: data.slice(start - origin), ts };
  held.splice(firstEndingAfter(held, base, start), 0, piece);
  return piece.data.length - removed;
};

const contiguous = (a: HeldSegment, b: HeldSegment): boolean => seqAdd(a.seq, a.data.length) === b.seq;

/**
 * Joins each run of contiguous held segments into one, up to `maxRun` bytes a run, copying only the runs it joins
 * (with the latest segment's time). Many tiny segments sent ahead of a hole (an evasion that used up the segment
 * bound and made the hole be given up) then hold a few segments; the copying stays bounded by `maxRun` per run.
 */
export const coalesceHeld = (held: HeldSegment[], maxRun: number): void => {
  const joined: HeldSegment[] = [];
  let i = 0;
  while (i < held.length) {
    const first = held[i] as HeldSegment;
    let end = i + 1;
    let bytes = first.data.length;
    for (; end < held.length; end++) {
      const next = held[end] as HeldSegment;
      if (!contiguous(held[end - 1] as HeldSegment, next) || bytes + next.data.length > maxRun) break;
      bytes += next.data.length;
    }
    if (end - i === 1) joined.push(first);
    else {
      const data = new Uint8Array(bytes);
      let at = 0;
      for (let k = i; k < end; k++) {
        const part = held[k] as HeldSegment;
        data.set(part.data, at);
        at += part.data.length;
      }
      joined.push({ seq: first.seq, data, ts: (held[end - 1] as HeldSegment).ts });
    }
    i = end;
  }
  held.length = 0;
  for (const segment of joined) held.push(segment);
};
