// Data types of the geometry module: points, rings and polygons with holes.
// Coordinates are (x, y) in level-0 pixels unless a function says otherwise.

/** A point as [x, y]. */
export type Point = [number, number];

/** A closed ring of points; the closing edge (last → first) is implicit, a repeated first point is allowed. */
export type Ring = Point[];

/** A polygon: the first ring is the outer boundary, any further rings are holes. */
export interface Polygon {
  /** Display name, e.g. "Tumor 1" (ASAP `Name`, GeoJSON `properties.name`). */
  name?: string;
  /** Class or group, e.g. "Tumor" (ASAP `PartOfGroup`, GeoJSON classification). */
  group?: string;
  rings: Ring[];
}

/**
 * Fill rule for rasterization: `evenodd` counts crossings of every ring (holes need no particular
 * orientation); `nonzero` sums signed windings, so holes must wind opposite to their outer ring
 * (as GeoJSON requires: outer counter-clockwise, holes clockwise).
 */
export type FillRule = 'evenodd' | 'nonzero';

/** An axis-aligned box, (x, y) of its top-left corner then (width, height). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
