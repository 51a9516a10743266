// Lays out a slide as geometry: 2–5 tissue pieces (some with holes), tumour regions well inside
// tissue, and pen strokes that circle regions or cross the glass but never touch a tumour. Pure.
import { pointInPolygon } from '../geometry/index.js';
import type { Point, Polygon } from '../geometry/index.js';
import { radialBlob } from './blob.js';
import type { Blob } from './blob.js';
import { PEN_COLOURS, arcPath, linePath, makePenStroke } from './pen-stroke.js';
import { createRng } from './prng.js';
import type { Rng } from './prng.js';
import type { PenStroke, SlideLayout, SynthSlideConfig } from './types.js';

type LayoutConfig = Pick<SynthSlideConfig, 'width' | 'height' | 'mppX' | 'seed' | 'hasTumour' | 'hasPenMarks'>;

/** Plan the geometry of a slide; the same config always gives the same layout. */
export function planLayout(config: LayoutConfig): SlideLayout {
  const rng = createRng(config.seed).fork('layout');
  const pieces = placeTissue(rng, config.width, config.height);
  const tumourBlobs = config.hasTumour ? placeTumours(rng, pieces) : [];
  const tissue: Polygon[] = pieces.map((piece, k) => ({
    name: `Tissue ${k + 1}`,
    group: 'Tissue',
    rings: [piece.ring, ...placeHoles(rng, piece, tumourBlobs).map((h) => h.ring)],
  }));
  const tumours: Polygon[] = tumourBlobs.map((b, k) => ({ name: `Tumor ${k + 1}`, group: 'Tumor', rings: [b.ring] }));
  const pens = config.hasPenMarks ? placePens(rng, config, pieces, tumourBlobs) : [];
  return { width: config.width, height: config.height, tissue, tumours, pens };
}

// Non-overlapping pieces covering about a third of the slide; shrink when they do not fit.
function placeTissue(rng: Rng, width: number, height: number): Blob[] {
  const count = rng.int(2, 5);
  const minDim = Math.min(width, height);
  let radius = Math.min(0.28 * minDim, Math.sqrt((rng.range(0.22, 0.35) * width * height) / (count * Math.PI)));
  const pieces: Blob[] = [];
  for (let attempt = 0; pieces.length < count && attempt < 20_000; attempt++) {
    if (attempt > 0 && attempt % 200 === 0) radius *= 0.85;
    const r = radius * rng.range(0.7, 1.15);
    const margin = 0.04 * minDim;
    const reach = r * 1.9;
    if (width - 2 * (margin + reach) <= 0 || height - 2 * (margin + reach) <= 0) continue;
    const centre: Point = [rng.range(margin + reach, width - margin - reach), rng.range(margin + reach, height - margin - reach)];
    const blob = radialBlob(rng, centre, r, { irregularity: rng.range(0.5, 1), elongation: rng.range(1, 1.8), vertices: 128 });
    const clear = pieces.every(
      (p) => Math.hypot(p.centre[0] - centre[0], p.centre[1] - centre[1]) > (p.outerRadius + blob.outerRadius) * 1.05,
    );
    const inside = blob.ring.every(([x, y]) => x > margin && y > margin && x < width - margin && y < height - margin);
    if (clear && inside) pieces.push(blob);
  }
  return pieces;
}

// One to three tumours, each inside the disc that its tissue piece surely covers.
function placeTumours(rng: Rng, pieces: Blob[]): Blob[] {
  const tumours: Blob[] = [];
  const count = rng.int(1, 3);
  for (let attempt = 0; tumours.length < count && attempt < 100; attempt++) {
    const piece = pieces[rng.int(0, pieces.length - 1)];
    const r = piece.innerRadius * rng.range(0.3, 0.5);
    const offset = rng.range(0, Math.max(0, piece.innerRadius - 1.5 * r * 1.6));
    const angle = rng.range(0, 2 * Math.PI);
    const centre: Point = [piece.centre[0] + offset * Math.cos(angle), piece.centre[1] + offset * Math.sin(angle)];
    const blob = radialBlob(rng, centre, r, { irregularity: rng.range(0.3, 0.8), elongation: rng.range(1, 1.3), vertices: 64 });
    const fits = Math.hypot(centre[0] - piece.centre[0], centre[1] - piece.centre[1]) + blob.outerRadius < piece.innerRadius;
    const apart = tumours.every(
      (t) => Math.hypot(t.centre[0] - centre[0], t.centre[1] - centre[1]) > (t.outerRadius + blob.outerRadius) * 1.1,
    );
    if (fits && apart) tumours.push(blob);
  }
  return tumours;
}

// Zero to two small holes (tears, fat) per piece, clear of every tumour.
function placeHoles(rng: Rng, piece: Blob, tumours: Blob[]): Blob[] {
  const holes: Blob[] = [];
  const count = rng.next() < 0.5 ? 0 : rng.int(1, 2);
  for (let attempt = 0; holes.length < count && attempt < 40; attempt++) {
    const r = piece.innerRadius * rng.range(0.05, 0.11);
    const offset = rng.range(0.2, 0.8) * piece.innerRadius;
    const angle = rng.range(0, 2 * Math.PI);
    const centre: Point = [piece.centre[0] + offset * Math.cos(angle), piece.centre[1] + offset * Math.sin(angle)];
    const hole = radialBlob(rng, centre, r, { irregularity: 0.6, elongation: rng.range(1, 2), vertices: 32 });
    const fits = offset + hole.outerRadius < piece.innerRadius * 0.95;
    const clear = [...tumours, ...holes].every(
      (t) => Math.hypot(t.centre[0] - centre[0], t.centre[1] - centre[1]) > (t.outerRadius + hole.outerRadius) * 1.15,
    );
    if (fits && clear) holes.push(hole);
  }
  return holes;
}

// One to three strokes: the first circles a tumour (or a tissue piece), the rest are lines anywhere.
function placePens(rng: Rng, config: LayoutConfig, pieces: Blob[], tumours: Blob[]): PenStroke[] {
  const minDim = Math.min(config.width, config.height);
  const widthPx = Math.max(12, Math.min(800 / config.mppX, 0.012 * minDim * rng.range(0.8, 1.25)));
  const count = rng.int(1, 3);
  const pens: PenStroke[] = [];
  for (let attempt = 0; pens.length < count && attempt < 60; attempt++) {
    const colour = PEN_COLOURS[rng.int(0, PEN_COLOURS.length - 1)];
    let path: Point[];
    if (pens.length === 0 && attempt < 30) {
      const target = tumours.length > 0 ? tumours[rng.int(0, tumours.length - 1)] : pieces[rng.int(0, pieces.length - 1)];
      const radius = target.outerRadius * rng.range(1.2, 1.4) + widthPx;
      path = arcPath(rng, target.centre, radius, rng.range(4.2, 5.8), widthPx / 2);
    } else {
      const start: Point = [rng.range(0, config.width), rng.range(0, config.height)];
      path = linePath(rng, start, rng.range(0.12, 0.3) * minDim, rng.range(0, 2 * Math.PI), widthPx / 2);
    }
    const stroke = makePenStroke(path, widthPx, colour, `Pen ${pens.length + 1}`);
    if (onSlide(stroke, config.width, config.height, widthPx) && clearOfTumours(stroke, tumours, widthPx)) pens.push(stroke);
  }
  return pens;
}

function onSlide(stroke: PenStroke, width: number, height: number, margin: number): boolean {
  return stroke.outline.rings[0].every(([x, y]) => x > margin && y > margin && x < width - margin && y < height - margin);
}

// No outline vertex inside a tumour and no centre-line point near its boundary.
function clearOfTumours(stroke: PenStroke, tumours: Blob[], widthPx: number): boolean {
  return tumours.every((t) => {
    const polygon = { rings: [t.ring] };
    if (stroke.outline.rings[0].some(([x, y]) => pointInPolygon(polygon, x, y))) return false;
    return stroke.path.every(([x, y]) => Math.hypot(x - t.centre[0], y - t.centre[1]) > t.outerRadius + widthPx);
  });
}
