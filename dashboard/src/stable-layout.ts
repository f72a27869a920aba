/** Positions for nodes new to the graph, next to their known neighbours, so a refresh never moves old nodes. */

export type Point = { x: number; y: number };

const spacing = 90;

/** A free spot on a ring around a point, walking outwards until no known node is too close. */
const freeSpotNear = (centre: Point, taken: readonly Point[], seed: number): Point => {
  for (let ring = 1; ring < 40; ring += 1) {
    for (let step = 0; step < 8 * ring; step += 1) {
      const angle = ((step + seed) / (8 * ring)) * 2 * Math.PI;
      const spot = {
        x: centre.x + Math.cos(angle) * spacing * ring,
        y: centre.y + Math.sin(angle) * spacing * ring,
      };
      if (taken.every((p) => Math.hypot(p.x - spot.x, p.y - spot.y) > spacing * 0.7)) return spot;
    }
  }
  return { x: centre.x + spacing * 40, y: centre.y };
};

const centroid = (points: readonly Point[]): Point => ({
  x: points.reduce((sum, p) => sum + p.x, 0) / points.length,
  y: points.reduce((sum, p) => sum + p.y, 0) / points.length,
});

/**
 * Places each new node at a free spot near the centre of its already-placed neighbours, or near the
 * centre of the whole graph when it has none. Known positions are returned unchanged.
 */
export const placeNewNodes = (
  known: ReadonlyMap<string, Point>,
  newIds: readonly string[],
  edges: readonly { source: string; target: string }[],
): Map<string, Point> => {
  const placed = new Map(known);
  const neighbours = new Map<string, string[]>();
  for (const { source, target } of edges) {
    neighbours.set(source, [...(neighbours.get(source) ?? []), target]);
    neighbours.set(target, [...(neighbours.get(target) ?? []), source]);
  }
  for (const [index, id] of newIds.entries()) {
    const anchors = (neighbours.get(id) ?? []).flatMap((n) => {
      const point = placed.get(n);
      return point === undefined ? [] : [point];
    });
    const all = [...placed.values()];
    const centre = anchors.length > 0 ? centroid(anchors) : all.length > 0 ? centroid(all) : { x: 0, y: 0 };
    placed.set(id, freeSpotNear(centre, all, index));
  }
  return placed;
};
