import { describe, expect, it } from 'vitest';
import type { Finding } from '#core/finding.ts';
import { createFindingQueue } from '#sidecar/report/finding-queue.ts';

const heartbeat = (n: number): Finding => ({
  type: 'heartbeat',
  ips: [`10.0.0.${n}`],
  at: new Date(n).toISOString(),
});

describe('createFindingQueue', () => {
  it('keeps up to its capacity in order and counts what it drops', () => {
    let clock = 1000;
    const queue = createFindingQueue(3, () => clock);
    expect(queue.push([heartbeat(1), heartbeat(2)])).toBe(0);
    clock = 2000;
    expect(queue.push([heartbeat(3), heartbeat(4), heartbeat(5)])).toBe(2);
    expect(queue.size()).toBe(3);
    expect(queue.oldestAt()).toBe(1000);
    expect(queue.take(2)).toEqual([heartbeat(1), heartbeat(2)]);
    expect(queue.oldestAt()).toBe(2000);
    expect(queue.takeDropped()).toBe(2);
    expect(queue.takeDropped()).toBe(0);
    queue.addDropped(4);
    expect(queue.takeDropped()).toBe(4);
  });

  it('is bounded by bytes too, and takes batches within a byte budget', () => {
    const size = JSON.stringify(heartbeat(1)).length;
    const queue = createFindingQueue(100, () => 0, size * 3);
    expect(queue.push([heartbeat(1), heartbeat(2), heartbeat(3), heartbeat(4)])).toBe(1);
    expect(queue.bytes()).toBe(size * 3);
    expect(queue.take(10, size * 2)).toEqual([heartbeat(1), heartbeat(2)]);
    expect(queue.take(10, 1)).toEqual([heartbeat(3)]);
    expect(queue.bytes()).toBe(0);
  });
});
