// Pen strokes as pathologists draw them: an arc circling a region or a slightly bent line, turned
// into an outline polygon (both sides of the centre line plus round caps). Pure given the generator.
import type { Point, Polygon } from '../geometry/index.js';
import { round2 } from './blob.js';
import type { Rng } from './prng.js';
import type { PenColour, PenStroke } from './types.js';

export const PEN_COLOURS: readonly PenColour[] = ['blue', 'green', 'black'];

/** An arc around `centre` at `radius`, covering `span` radians, wobbling by a few percent. */
export function arcPath(rng: Rng, centre: Point, radius: number, span: number, stepPx: number): Point[] {
  const start = rng.range(0, 2 * Math.PI);
  const wobble = rng.range(0.02, 0.06);
  const phase = rng.range(0, 2 * Math.PI);
  const steps = Math.max(8, Math.min(600, Math.ceil((span * radius) / stepPx)));
  return Array.from({ length: steps + 1 }, (_, k) => {
    const theta = start + (span * k) / steps;
    const r = radius * (1 + wobble * Math.sin(2 * theta + phase));
    return [centre[0] + r * Math.cos(theta), centre[1] + r * Math.sin(theta)] as Point;
  });
}

/** A line from `start` of `length` at `angle`, bowed sideways by up to 8% of its length. */
export function linePath(rng: Rng, start: Point, length: number, angle: number, stepPx: number): Point[] {
  const bow = rng.range(-0.08, 0.08) * length;
  const steps = Math.max(4, Math.min(400, Math.ceil(length / stepPx)));
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  return Array.from({ length: steps + 1 }, (_, k) => {
    const t = k / steps;
    const side = bow * Math.sin(Math.PI * t);
    return [start[0] + dx * length * t - dy * side, start[1] + dy * length * t + dx * side] as Point;
  });
}

/** The stroke for a centre line: its outline ring follows the left side, the end cap, the right side back, the start cap. */
export function makePenStroke(path: Point[], widthPx: number, colour: PenColour, name: string): PenStroke {
  const half = widthPx / 2;
  const normals = path.map((_, k) => {
    const a = path[Math.max(0, k - 1)];
    const b = path[Math.min(path.length - 1, k + 1)];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    return [-(b[1] - a[1]) / len, (b[0] - a[0]) / len] as Point;
  });
  const left = path.map((p, k) => [p[0] + normals[k][0] * half, p[1] + normals[k][1] * half] as Point);
  const right = path.map((p, k) => [p[0] - normals[k][0] * half, p[1] - normals[k][1] * half] as Point);
  const cap = (centre: Point, normal: Point): Point[] => {
    const base = Math.atan2(normal[1], normal[0]);
    return Array.from({ length: 7 }, (_, k) => {
      const theta = base - (Math.PI * (k + 1)) / 8;
      return [centre[0] + half * Math.cos(theta), centre[1] + half * Math.sin(theta)] as Point;
    });
  };
  const last = path.length - 1;
  const ring = [...left, ...cap(path[last], normals[last]), ...right.reverse(), ...cap(path[0], [-normals[0][0], -normals[0][1]])];
  const outline: Polygon = { name, group: `Pen ${colour}`, rings: [ring.map(([x, y]) => [round2(x), round2(y)] as Point)] };
  return { colour, widthPx: round2(widthPx), path: path.map(([x, y]) => [round2(x), round2(y)] as Point), outline };
}
