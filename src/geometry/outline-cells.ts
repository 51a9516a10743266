// Marks the cells of a coarse grid that any polygon edge touches (a conservative supercover), so a
// caller can tell cells wholly inside one region from cells on a boundary. Pure.
import type { Polygon } from './types.js';

/**
 * Return a `cols` x `rows` raster with 1 in every cell that an edge of any ring passes through or
 * touches. `scale` is cells per level-0 pixel (1 / cellSizePx). Cells without a mark lie entirely on
 * one side of every edge, so one point-sample (e.g. rasterizePolygons at the same scale) classifies them.
 */
export function markOutlineCells(polygons: readonly Polygon[], cols: number, rows: number, scale: number): Uint8Array {
  const out = new Uint8Array(cols * rows);
  for (const polygon of polygons) {
    for (const ring of polygon.rings) {
      for (let k = 0; k < ring.length; k++) {
        const a = ring[k];
        const b = ring[(k + 1) % ring.length];
        markSegment(out, cols, rows, a[0] * scale, a[1] * scale, b[0] * scale, b[1] * scale);
      }
    }
  }
  return out;
}

// For each grid row the segment spans, mark the cells between the x where it enters and leaves that row.
function markSegment(out: Uint8Array, cols: number, rows: number, ax: number, ay: number, bx: number, by: number): void {
  const yMin = Math.min(ay, by);
  const yMax = Math.max(ay, by);
  const rowFrom = Math.max(0, Math.floor(yMin));
  const rowTo = Math.min(rows - 1, Math.floor(yMax));
  for (let row = rowFrom; row <= rowTo; row++) {
    let x0: number;
    let x1: number;
    if (ay === by) {
      x0 = ax;
      x1 = bx;
    } else {
      const t0 = (Math.max(row, yMin) - ay) / (by - ay);
      const t1 = (Math.min(row + 1, yMax) - ay) / (by - ay);
      x0 = ax + t0 * (bx - ax);
      x1 = ax + t1 * (bx - ax);
    }
    const colFrom = Math.max(0, Math.floor(Math.min(x0, x1)));
    const colTo = Math.min(cols - 1, Math.floor(Math.max(x0, x1)));
    if (colFrom <= colTo) out.fill(1, row * cols + colFrom, row * cols + colTo + 1);
  }
}
