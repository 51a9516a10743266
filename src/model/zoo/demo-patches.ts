// Patches for the demo classifier: seeded sampling of labelled patch centres inside tissue
// (pure), and reading them from a slide through the feature graph (I/O, onnxruntime-node).
import type { InferenceSession } from 'onnxruntime-node';
import { pointInPolygon, type Polygon } from '../../geometry/index.js';
import type { SlideReader } from '../../slide/index.js';
import { writeNormalizedPatch } from './patch-tensor.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './zoo-card.js';

/** A patch centre (x, y) in level-0 pixels and its label: 1 when the centre is inside a tumour. */
export interface LabelledPoint {
  x: number;
  y: number;
  label: 0 | 1;
}

/** Tumour regions as annotated: area polygons, minus those in an exclusion group. */
export interface TumourTruth {
  regions: Polygon[];
  exclusions: Polygon[];
}

const inAny = (polygons: readonly Polygon[], x: number, y: number): boolean => polygons.some((p) => pointInPolygon(p, x, y));

/** True when level-0 point (x, y) is tumour under `truth`. */
export function isTumourAt(truth: TumourTruth, x: number, y: number): boolean {
  return inAny(truth.regions, x, y) && !inAny(truth.exclusions, x, y);
}

// Bounding box of every ring of `polygons`, as [minX, minY, maxX, maxY].
function bounds(polygons: readonly Polygon[]): [number, number, number, number] {
  const points = polygons.flatMap((p) => p.rings.flat());
  return [
    Math.min(...points.map((q) => q[0])),
    Math.min(...points.map((q) => q[1])),
    Math.max(...points.map((q) => q[0])),
    Math.max(...points.map((q) => q[1])),
  ];
}

// Up to `count` distinct cell centres (cells of `cellPx`, from the origin) that pass `accept`, by
// rejection sampling uniform points in `area`'s bounding box and snapping them to their cell.
function rejectionSample(
  area: readonly Polygon[],
  count: number,
  cellPx: number,
  random: () => number,
  accept: (x: number, y: number) => boolean,
): [number, number][] {
  const out: [number, number][] = [];
  const seen = new Set<string>();
  if (area.length === 0) return out;
  const [x0, y0, x1, y1] = bounds(area);
  for (let tries = 0; out.length < count && tries < count * 50; tries++) {
    const x = Math.floor((x0 + (x1 - x0) * random()) / cellPx) * cellPx + cellPx / 2;
    const y = Math.floor((y0 + (y1 - y0) * random()) / cellPx) * cellPx + cellPx / 2;
    const key = `${x},${y}`;
    if (seen.has(key) || !accept(x, y)) continue;
    seen.add(key);
    out.push([x, y]);
  }
  return out;
}

/**
 * Up to `count` distinct patch centres inside tissue: half inside tumour and half outside when the
 * slide has tumour, all outside otherwise. Centres sit at the middle of `cellPx` cells (so no two
 * patches share a centre) and are sorted row-major so that reads reuse cached tiles. Pure.
 */
export function sampleLabelledPoints(
  tissue: readonly Polygon[],
  truth: TumourTruth,
  count: number,
  random: () => number,
  cellPx = 32,
): LabelledPoint[] {
  const inTissue = (x: number, y: number): boolean => inAny(tissue, x, y);
  const positives = rejectionSample(
    truth.regions,
    truth.regions.length > 0 ? Math.floor(count / 2) : 0,
    cellPx,
    random,
    (x, y) => inTissue(x, y) && isTumourAt(truth, x, y),
  );
  const negatives = rejectionSample(tissue, count - positives.length, cellPx, random, (x, y) => inTissue(x, y) && !isTumourAt(truth, x, y));
  const points: LabelledPoint[] = [
    ...positives.map(([x, y]) => ({ x, y, label: 1 as const })),
    ...negatives.map(([x, y]) => ({ x, y, label: 0 as const })),
  ];
  return points.sort((a, b) => a.y - b.y || a.x - b.x);
}

/** Read `size`² level-0 patches centred on `points` and run them through `session` (`input` → `features`) in batches. */
export async function extractFeatures(
  slide: SlideReader,
  points: readonly LabelledPoint[],
  session: InferenceSession,
  size = 224,
  batchSize = 32,
): Promise<number[][]> {
  const { Tensor } = await import('onnxruntime-node');
  const pixels = size * size;
  const rows: number[][] = [];
  for (let start = 0; start < points.length; start += batchSize) {
    const batch = points.slice(start, start + batchSize);
    const input = new Float32Array(batch.length * 3 * pixels);
    const patches = await Promise.all(batch.map((p) => slide.readRegion(0, p.x - size / 2, p.y - size / 2, size, size)));
    for (const [i, patch] of patches.entries()) writeNormalizedPatch(input, i, patch.data, pixels, IMAGENET_MEAN, IMAGENET_STD);
    const out = await session.run({ input: new Tensor('float32', input, [batch.length, 3, size, size]) });
    const features = out.features.data as Float32Array;
    const width = features.length / batch.length;
    for (let i = 0; i < batch.length; i++) rows.push(Array.from(features.subarray(i * width, (i + 1) * width)));
  }
  return rows;
}
