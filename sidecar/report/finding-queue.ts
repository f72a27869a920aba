/** A bounded in-memory queue of findings: when full, new findings are dropped and counted, never silently. */
import type { Finding } from '#core/finding.ts';

export type FindingQueue = {
  /** Adds findings; returns how many were dropped because the queue was full. */
  push(findings: readonly Finding[]): number;
  /** Removes and returns up to `max` findings, oldest first. */
  take(max: number): Finding[];
  /** Returns the drops counted since the last call and resets the count (they go into the next batch). */
  takeDropped(): number;
  /** Counts drops that happened elsewhere (a batch the control plane refused). */
  addDropped(count: number): void;
  size(): number;
  /** Epoch ms when the oldest queued finding arrived, or undefined when empty. */
  oldestAt(): number | undefined;
  readonly capacity: number;
};

export const createFindingQueue = (capacity: number, now: () => number = Date.now): FindingQueue => {
  let items: { finding: Finding; at: number }[] = [];
  let dropped = 0;
  return {
    capacity,
    push(findings) {
      const room = Math.max(0, capacity - items.length);
      const at = now();
      for (const finding of findings.slice(0, room)) items.push({ finding, at });
      const lost = findings.length - Math.min(room, findings.length);
      dropped += lost;
      return lost;
    },
    take(max) {
      const taken = items.slice(0, max);
      items = items.slice(taken.length);
      return taken.map((item) => item.finding);
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
    oldestAt: () => items[0]?.at,
  };
};
