/** placeNewNodes: known nodes never move; new ones land near their neighbours, apart from everyone. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Point, placeNewNodes } from '../../dashboard/src/stable-layout.ts';

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

describe('placeNewNodes', () => {
  it('keeps every known position and places a new node next to its neighbour', () => {
    const known = new Map([
      ['a', { x: 0, y: 0 }],
      ['b', { x: 1000, y: 0 }],
    ]);
    const placed = placeNewNodes(known, ['c'], [{ source: 'b', target: 'c' }]);
    expect(placed.get('a')).toEqual({ x: 0, y: 0 });
    expect(placed.get('b')).toEqual({ x: 1000, y: 0 });
    const c = placed.get('c') as Point;
    expect(distance(c, { x: 1000, y: 0 })).toBeLessThan(200);
    expect(distance(c, { x: 0, y: 0 })).toBeGreaterThan(800);
  });

  it('places a node without neighbours near the middle, and the first node at the origin ring', () => {
    const placed = placeNewNodes(new Map(), ['x', 'y'], []);
    expect(placed.size).toBe(2);
    expect(distance(placed.get('x') as Point, placed.get('y') as Point)).toBeGreaterThan(60);
  });

  it('never moves a known node and never stacks nodes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -500, max: 500 }), fc.integer({ min: -500, max: 500 })), {
          maxLength: 20,
        }),
        fc.integer({ min: 1, max: 15 }),
        (points, newCount) => {
          const known = new Map(points.map(([x, y], i) => [`k${i}`, { x, y }]));
          const fresh = Array.from({ length: newCount }, (_, i) => `n${i}`);
          const edges = fresh.map((id, i) => ({ source: id, target: `k${i % Math.max(points.length, 1)}` }));
          const placed = placeNewNodes(known, fresh, edges);
          for (const [id, point] of known) expect(placed.get(id)).toEqual(point);
          const all = [...placed.entries()];
          for (const id of fresh) {
            const point = placed.get(id) as Point;
            for (const [other, position] of all)
              if (other !== id) expect(distance(point, position)).toBeGreaterThan(60);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
