// Irregular, star-shaped blobs (tissue pieces, tumour regions, holes) from a sum of random
// harmonics of the radius. Pure given the generator.
import type { Point, Ring } from '../geometry/index.js';
import type { Rng } from './prng.js';

export interface Blob {
  ring: Ring;
  centre: Point;
  /** A disc of this radius around `centre` lies inside the ring. */
  innerRadius: number;
  /** The ring lies inside a disc of this radius around `centre`. */
  outerRadius: number;
}

export interface BlobShape {
  /** 0 = circle; 1 = strongly lobed. */
  irregularity: number;
  /** Major / minor axis ratio before rotation. @default 1 */
  elongation?: number;
  vertices?: number;
}

/** Coordinates are rounded to 1/100 px so that they survive text formats exactly. */
export const round2 = (v: number): number => Math.round(v * 100) / 100;

/** A blob of roughly `radius` around `centre`; the ring is counter-clockwise in image axes. */
export function radialBlob(rng: Rng, centre: Point, radius: number, shape: BlobShape): Blob {
  const vertices = shape.vertices ?? 96;
  const harmonics = [2, 3, 4, 5, 7].map((k) => ({ k, amp: (shape.irregularity * rng.next()) / k, phase: rng.range(0, 2 * Math.PI) }));
  const total = harmonics.reduce((s, h) => s + h.amp, 0);
  const limit = 0.55;
  const squash = total > limit ? limit / total : 1;
  const stretch = Math.sqrt(shape.elongation ?? 1);
  const angle = rng.range(0, Math.PI);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const ring: Ring = [];
  let inner = Infinity;
  let outer = 0;
  for (let v = 0; v < vertices; v++) {
    const theta = (v / vertices) * 2 * Math.PI;
    const r = radius * (1 + harmonics.reduce((s, h) => s + squash * h.amp * Math.sin(h.k * theta + h.phase), 0));
    const x = r * Math.cos(theta) * stretch;
    const y = (r * Math.sin(theta)) / stretch;
    const point: Point = [round2(centre[0] + x * cos - y * sin), round2(centre[1] + x * sin + y * cos)];
    const d = Math.hypot(point[0] - centre[0], point[1] - centre[1]);
    inner = Math.min(inner, d);
    outer = Math.max(outer, d);
    ring.push(point);
  }
  // Chords between vertices cut inside the sampled curve by at most 1 - cos(pi / n).
  return { ring, centre, innerRadius: inner * Math.cos(Math.PI / vertices) * 0.97, outerRadius: outer };
}
