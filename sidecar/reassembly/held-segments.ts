/** Out-of-order TCP segments held until the hole before them fills; first copy wins where they overlap. */
import type { ReassemblyStats } from './reassembly-stats.ts';
import { seqAdd, seqDiff } from './seq.ts';

export type HeldSegment = { seq: number; data: Uint8Array; ts: number };

const differs = (a: Uint8Array, b: Uint8Array): boolean => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  return false;
};

/**
 * Inserts `data` at `seq` into `held` (sorted by distance from `base`), keeping only bytes no held segment
 * already covers; counts overlaps and conflicting overlaps. Returns the number of bytes added.
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
  let start = origin;
  let overlapped = false;
  const pieces: HeldSegment[] = [];
  for (const segment of held) {
    const from = seqDiff(segment.seq, base);
    const to = from + segment.data.length;
    if (to <= start || from >= end) continue;
    overlapped = true;
    const lo = Math.max(start, from);
    const hi = Math.min(end, to);
    if (differs(data.subarray(lo - origin, hi - origin), segment.data.subarray(lo - from, hi - from)))
      stats.conflicts += 1;
    if (from > start)
      pieces.push({ seq: seqAdd(base, start), data: data.slice(start - origin, from - origin), ts });
    start = Math.max(start, to);
  }
  if (start < end) pieces.push({ seq: seqAdd(base, start), data: data.slice(start - origin), ts });
  if (overlapped) stats.overlaps += 1;
  let added = 0;
  for (const piece of pieces) {
    added += piece.data.length;
    const at = held.findIndex((segment) => seqDiff(segment.seq, base) > seqDiff(piece.seq, base));
    held.splice(at < 0 ? held.length : at, 0, piece);
  }
  return added;
};
