// Scan-line rasterization of polygons (with holes) into a uint8 raster at any scale from level-0
// coordinates. Pure: no I/O. Outlines (cells an edge touches) live in outline-cells.ts.
import { OptionError } from '../errors.js';
import type { FillRule, Polygon } from './types.js';

export interface RasterizeOptions {
  /** How rings of one polygon combine; polygons themselves always union. @default 'evenodd' */
  fillRule?: FillRule;
  /** Value written into covered pixels, 0–255 (paint several calls into one raster for labels). @default 1 */
  value?: number;
  /** Target-raster pixel offset of the raster's top-left corner, in target pixels. @default 0 */
  offsetX?: number;
  /** @default 0 */
  offsetY?: number;
  /** Paint into this raster (length width*height) instead of a fresh zeroed one. */
  into?: Uint8Array;
}

interface Edge {
  x0: number;
  y0: number;
  dxdy: number;
  firstRow: number;
  lastRow: number;
  winding: 1 | -1;
}

/**
 * Rasterize polygons into a row-major raster of `width` x `height` pixels.
 * `scale` is target pixels per level-0 pixel (1/16 renders a 16x downsampled mask). Target pixel
 * (i, j) is covered when its centre, level-0 point ((i + offsetX + 0.5) / scale, (j + offsetY + 0.5) / scale),
 * is inside; points on a left or top edge count as inside, on a right or bottom edge as outside.
 */
export function rasterizePolygons(
  polygons: readonly Polygon[],
  width: number,
  height: number,
  scale = 1,
  options: RasterizeOptions = {},
): Uint8Array {
  validateRaster(width, height, scale, options);
  const out = options.into ?? new Uint8Array(width * height);
  const value = options.value ?? 1;
  for (const polygon of polygons) {
    const edges = collectEdges(polygon, height, scale, options.offsetX ?? 0, options.offsetY ?? 0);
    fillEdges(edges, out, width, value, options.fillRule ?? 'evenodd');
  }
  return out;
}

function validateRaster(width: number, height: number, scale: number, options: RasterizeOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(width) || width < 0) problems.push(`\`width\` to be a non-negative integer, received \`${width}\``);
  if (!Number.isInteger(height) || height < 0) problems.push(`\`height\` to be a non-negative integer, received \`${height}\``);
  if (!(scale > 0) || !Number.isFinite(scale)) problems.push(`\`scale\` to be a positive number, received \`${scale}\``);
  const value = options.value ?? 1;
  if (!Number.isInteger(value) || value < 0 || value > 255) problems.push(`\`value\` to be an integer 0–255, received \`${value}\``);
  if (options.into && options.into.length !== width * height) {
    problems.push(`\`into\` to have width*height = ${width * height} pixels, received ${options.into.length}`);
  }
  if (problems.length > 0) throw new OptionError(`rasterizePolygons: expected ${problems.join('; ')}`);
}

// Transform every non-horizontal edge to target pixels and keep only those crossing a row centre.
function collectEdges(polygon: Polygon, height: number, scale: number, offsetX: number, offsetY: number): Edge[] {
  const edges: Edge[] = [];
  for (const ring of polygon.rings) {
    for (let k = 0; k < ring.length; k++) {
      const a = ring[k];
      const b = ring[(k + 1) % ring.length];
      const ax = a[0] * scale - offsetX;
      const ay = a[1] * scale - offsetY;
      const bx = b[0] * scale - offsetX;
      const by = b[1] * scale - offsetY;
      if (ay === by || !Number.isFinite(ay + by + ax + bx)) continue;
      const [top, bottom, winding] = ay < by ? [[ax, ay], [bx, by], 1 as const] : [[bx, by], [ax, ay], -1 as const];
      // Rows whose centre y = j + 0.5 lies in [top.y, bottom.y).
      const firstRow = Math.max(0, Math.ceil(top[1] - 0.5));
      const lastRow = Math.min(height - 1, Math.ceil(bottom[1] - 0.5) - 1);
      if (firstRow > lastRow) continue;
      edges.push({ x0: top[0], y0: top[1], dxdy: (bottom[0] - top[0]) / (bottom[1] - top[1]), firstRow, lastRow, winding });
    }
  }
  return edges.sort((p, q) => p.firstRow - q.firstRow);
}

// Active-edge scan: per row, intersect active edges, sort crossings and fill the spans the rule selects.
function fillEdges(edges: Edge[], out: Uint8Array, width: number, value: number, rule: FillRule): void {
  if (edges.length === 0) return;
  let active: Edge[] = [];
  let next = 0;
  const lastRow = Math.max(...edges.map((e) => e.lastRow));
  const crossings: { x: number; w: number }[] = [];
  for (let row = edges[0].firstRow; row <= lastRow; row++) {
    while (next < edges.length && edges[next].firstRow <= row) active.push(edges[next++]);
    active = active.filter((e) => e.lastRow >= row);
    if (active.length === 0) {
      if (next < edges.length) row = edges[next].firstRow - 1;
      continue;
    }
    const y = row + 0.5;
    crossings.length = 0;
    for (const e of active) crossings.push({ x: e.x0 + (y - e.y0) * e.dxdy, w: e.winding });
    crossings.sort((p, q) => p.x - q.x);
    const base = row * width;
    let winding = 0;
    for (let k = 0; k < crossings.length - 1; k++) {
      winding += rule === 'evenodd' ? 1 : crossings[k].w;
      const inside = rule === 'evenodd' ? winding % 2 === 1 : winding !== 0;
      if (!inside) continue;
      const from = Math.max(0, Math.ceil(crossings[k].x - 0.5));
      const to = Math.min(width, Math.ceil(crossings[k + 1].x - 0.5));
      if (from < to) out.fill(value, base + from, base + to);
    }
  }
}
