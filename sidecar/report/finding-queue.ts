/** A bounded in-memory queue of findings (by count and by bytes): when full, new findings are dropped and counted. */
import type { Finding } from '#core/finding.ts';

export type FindingQueue = {
  /** Adds findings; returns how many were dropped because the queue was full. */
  push(findings: readonly Finding[]): number;
  /** Removes up to `max` findings (and at most `maxBytes` of JSON, but always at least one), oldest first. */
  take(max: number, maxBytes?: number): Finding[];
  /** Returns the drops counted since the last call and resets the count (they go into the next batch). */
  takeDropped(): number;
  /** Counts drops that happened elsewhere (a batch the control plane refused). */
  addDropped(count: number): void;
  size(): number;
  bytes(): number;
  /** Epoch ms when the oldest queued finding arrived, or undefined when empty. */
  oldestAt(): number | undefined;
  readonly capacity: number;
};

type Item = { finding: Finding; at: number; size: number };

/**
 * Bytes are what the finding costs as JSON on the wire: the schemas bound every list, but a hostile flow can still
 * fill them, so a count alone would not bound memory.
 */
export const createFindingQueue = (
  capacity: number,
  now: () => number = Date.now,
  maxBytes = 32 * 1024 * 1024,
): FindingQueue => {
  let items: Item[] = [];
  let bytes = 0;
  let dropped = 0;
  return {
    capacity,
    push(findings) {
      const at = now();
      let lost = 0;
      for (const finding of findings) {
        const size = JSON.stringify(finding).length;
        if (items.length >= capacity || bytes + size > maxBytes) {
          lost += 1;
          continue;
        }
        items.push({ finding, at, size });
        bytes += size;
      }
      dropped += lost;
      return lost;
    },
    take(max, maxTakeBytes = Number.POSITIVE_INFINITY) {
      let count = 0;
      let taken = 0;
      while (count < Math.min(max, items.length)) {
        const size = (items[count] as Item).size;
        if (count > 0 && taken + size > maxTakeBytes) break;
        taken += size;
        count += 1;
      }
      const out = items.slice(0, count);
      items = items.slice(count);
      bytes -= taken;
      return out.map((item) => item.finding);
    },
    takeDropped() {
      const count = dropped;
      dropped = 0;
      return count;
    },
    addDropped(count) {
      dropped += count;
    },
    size: () => items.length,
    bytes: () => bytes,
    oldestAt: () => items[0]?.at,
  };
};
