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
