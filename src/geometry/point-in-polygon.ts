// Point-in-polygon test with the same fill rules and boundary convention as rasterize.ts. Pure.
import type { FillRule, Polygon } from './types.js';

/** True when level-0 point (x, y) is inside `polygon` under `fillRule` (holes excluded). */
export function pointInPolygon(polygon: Polygon, x: number, y: number, fillRule: FillRule = 'evenodd'): boolean {
  let crossings = 0;
  let winding = 0;
  for (const ring of polygon.rings) {
    for (let k = 0; k < ring.length; k++) {
      const [ax, ay] = ring[k];
      const [bx, by] = ring[(k + 1) % ring.length];
      const upward = ay <= y && by > y;
      const downward = by <= y && ay > y;
      if (!upward && !downward) continue;
      const xCross = ax + ((y - ay) * (bx - ax)) / (by - ay);
      if (xCross > x) {
        crossings++;
        winding += upward ? 1 : -1;
      }
    }
  }
  return fillRule === 'evenodd' ? crossings % 2 === 1 : winding !== 0;
}
