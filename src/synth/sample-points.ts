// Finds a few level-0 points per class whose surrounding 64 x 64 px window is wholly that class,
// so tests and QC can read "pure" tumour, stroma, glass and ink without re-deriving geometry. Pure.
import type { Point } from '../geometry/index.js';
import { CLASS_ID, paintLabels, penClass } from './label-raster.js';
import { createRng } from './prng.js';
import type { PixelClass, SamplePoints, SlideLayout } from './types.js';

/** Side of the pure window; pens use at most 60% of their width so narrow strokes still get points. */
const WINDOW_PX = 64;
const WANTED = 3;
const TRIES = 300;

function isPure(layout: SlideLayout, point: Point, cls: PixelClass, window: number): boolean {
  const [x, y] = point;
  if (x < window || y < window || x > layout.width - window || y > layout.height - window) return false;
  const labels = paintLabels(layout, window, window, 1, x - window / 2, y - window / 2);
  return labels.every((v) => v === CLASS_ID[cls]);
}

function collect(layout: SlideLayout, cls: PixelClass, candidate: () => Point | null, window = WINDOW_PX): Point[] {
  const found: Point[] = [];
  for (let k = 0; k < TRIES && found.length < WANTED; k++) {
    const p = candidate();
    const point: Point | null = p && [Math.round(p[0]), Math.round(p[1])];
    if (point && isPure(layout, point, cls, window)) found.push(point);
  }
  return found;
}

// A random point inside the bounding box of a random polygon from the list.
function inBoxOf(rng: ReturnType<typeof createRng>, rings: Point[][]): Point | null {
  if (rings.length === 0) return null;
  const ring = rings[rng.int(0, rings.length - 1)];
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  return [rng.range(Math.min(...xs), Math.max(...xs)), rng.range(Math.min(...ys), Math.max(...ys))];
}

export function findSamplePoints(layout: SlideLayout, seed: number): SamplePoints {
  const rng = createRng(seed).fork('samples');
  const pen = layout.pens.flatMap((stroke) =>
    collect(
      layout,
      penClass(stroke.colour),
      () => stroke.path[rng.int(0, stroke.path.length - 1)],
      Math.min(WINDOW_PX, 2 * Math.floor(0.3 * stroke.widthPx)),
    ).map((point) => ({ colour: stroke.colour, point })),
  );
  return {
    background: collect(layout, 'background', () => [rng.range(0, layout.width), rng.range(0, layout.height)]),
    stroma: collect(layout, 'stroma', () =>
      inBoxOf(
        rng,
        layout.tissue.map((t) => t.rings[0]),
      ),
    ),
    tumour: collect(layout, 'tumour', () =>
      inBoxOf(
        rng,
        layout.tumours.map((t) => t.rings[0]),
      ),
    ),
    pen,
  };
}
