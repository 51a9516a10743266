// Lays the patch grid over a slide: row-major positions at the configured stride, kept when the
// tissue mask covers at least `minTissue` of the patch (area-weighted). Pure and deterministic.
import type { GridConfig, GridMask, LevelChoice, PatchGrid } from './types.js';

/** Summed-area table with one extra row and column of zeros: (w+1) x (h+1). */
export function integralImage(mask: GridMask): Float64Array {
  const w = mask.width + 1;
  const sat = new Float64Array(w * (mask.height + 1));
  for (let y = 0; y < mask.height; y++) {
    let row = 0;
    for (let x = 0; x < mask.width; x++) {
      row += mask.data[y * mask.width + x];
      sat[(y + 1) * w + x + 1] = sat[y * w + x + 1] + row;
    }
  }
  return sat;
}

// The integral of a piecewise-constant mask is bilinear inside each cell, so bilinear
// interpolation of the table gives the exact covered area of a box with fractional edges.
function integralAt(sat: Float64Array, mask: GridMask, u: number, v: number): number {
  const w = mask.width + 1;
  const cu = Math.min(Math.max(u, 0), mask.width);
  const cv = Math.min(Math.max(v, 0), mask.height);
  const i = Math.min(Math.floor(cu), mask.width - 1);
  const j = Math.min(Math.floor(cv), mask.height - 1);
  const a = cu - i;
  const b = cv - j;
  const f00 = sat[j * w + i];
  const f10 = sat[j * w + i + 1];
  const f01 = sat[(j + 1) * w + i];
  const f11 = sat[(j + 1) * w + i + 1];
  return f00 + a * (f10 - f00) + b * (f01 - f00) + a * b * (f11 - f10 - f01 + f00);
}

export function coverage(sat: Float64Array, mask: GridMask, x0: number, y0: number, x1: number, y1: number): number {
  const area = (x1 - x0) * (y1 - y0);
  if (area <= 0 || mask.width === 0 || mask.height === 0) return 0;
  const covered =
    integralAt(sat, mask, x1, y1) - integralAt(sat, mask, x0, y1) - integralAt(sat, mask, x1, y0) + integralAt(sat, mask, x0, y0);
  return Math.min(1, Math.max(0, covered / area));
}

export interface SlideExtent {
  /** Level-0 width and height. */
  width: number;
  height: number;
}

/** Coverage below this is rounding noise, not tissue (estimateGrid counts it as tissue: still an upper bound). */
const MIN_COVERAGE = 1e-9;

/** Where the grid's candidate positions lie, before the tissue filter: shared by planGrid and its estimate. */
export interface GridGeometry {
  footprintLevel0: number;
  strideLevel0: number;
  cols: number;
  rows: number;
}

export function gridGeometry(extent: SlideExtent, choice: LevelChoice, cfg: GridConfig): GridGeometry {
  const footprintLevel0 = choice.readSizePx * choice.downsample;
  const strideLevel0 = (cfg.stridePx * choice.readSizePx * choice.downsample) / cfg.patchSizePx;
  const cols = extent.width >= footprintLevel0 ? Math.floor((extent.width - footprintLevel0) / strideLevel0 + 1e-9) + 1 : 0;
  const rows = extent.height >= footprintLevel0 ? Math.floor((extent.height - footprintLevel0) / strideLevel0 + 1e-9) + 1 : 0;
  return { footprintLevel0, strideLevel0, cols, rows };
}

/**
 * Lay the grid. Memory stays proportional to the patches kept (12 bytes each in typed arrays that
 * double as needed, up to `capacityHint` when given estimateGrid's maxPatches), never to the candidate
 * positions; callers check estimateGrid against GRID_LIMITS first, since the loop visits every position.
 */
export function planGrid(extent: SlideExtent, mask: GridMask, choice: LevelChoice, cfg: GridConfig, capacityHint = 1 << 16): PatchGrid {
  const { footprintLevel0, strideLevel0, cols, rows } = gridGeometry(extent, choice, cfg);
  const sat = integralImage(mask);
  let capacity = Math.max(1, Math.min(capacityHint, 1 << 22));
  let coords = new Int32Array(2 * capacity);
  let tissue = new Float32Array(capacity);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const y = Math.round(r * strideLevel0);
    for (let c = 0; c < cols; c++) {
      const x = Math.round(c * strideLevel0);
      const f = coverage(
        sat,
        mask,
        x / mask.scaleX,
        y / mask.scaleY,
        (x + footprintLevel0) / mask.scaleX,
        (y + footprintLevel0) / mask.scaleY,
      );
      // A zero threshold still requires some tissue: an all-background patch is never useful. Rounding
      // in the summed-area table leaves ~1e-14 on background patches near tissue, hence not just f > 0.
      if (f >= cfg.minTissue && f > MIN_COVERAGE) {
        if (n === capacity) {
          // Up to the hint (the estimate's bound) the arrays never grow past it.
          capacity = n < capacityHint ? Math.min(2 * capacity, capacityHint) : 2 * capacity;
          const grownCoords = new Int32Array(2 * capacity);
          grownCoords.set(coords);
          coords = grownCoords;
          const grownTissue = new Float32Array(capacity);
          grownTissue.set(tissue);
          tissue = grownTissue;
        }
        coords[2 * n] = x;
        coords[2 * n + 1] = y;
        tissue[n] = f;
        n++;
      }
    }
  }
  return {
    choice,
    patchSizePx: cfg.patchSizePx,
    stridePx: cfg.stridePx,
    footprintLevel0,
    strideLevel0,
    cols,
    rows,
    // Views when at least half full (no second copy of a large grid), else copies that free the spare room.
    coords: 2 * n >= capacity ? coords.subarray(0, 2 * n) : coords.slice(0, 2 * n),
    tissue: 2 * n >= capacity ? tissue.subarray(0, n) : tissue.slice(0, n),
  };
}
