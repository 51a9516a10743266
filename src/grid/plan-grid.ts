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

export function planGrid(extent: SlideExtent, mask: GridMask, choice: LevelChoice, cfg: GridConfig): PatchGrid {
  const footprintLevel0 = choice.readSizePx * choice.downsample;
  const strideLevel0 = (cfg.stridePx * choice.readSizePx * choice.downsample) / cfg.patchSizePx;
  const cols = extent.width >= footprintLevel0 ? Math.floor((extent.width - footprintLevel0) / strideLevel0 + 1e-9) + 1 : 0;
  const rows = extent.height >= footprintLevel0 ? Math.floor((extent.height - footprintLevel0) / strideLevel0 + 1e-9) + 1 : 0;
  const sat = integralImage(mask);
  const xs: number[] = [];
  const ys: number[] = [];
  const fractions: number[] = [];
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
      // A zero threshold still requires some tissue: an all-background patch is never useful.
      if (f >= cfg.minTissue && f > 0) {
        xs.push(x);
        ys.push(y);
        fractions.push(f);
      }
    }
  }
  const coords = new Int32Array(xs.length * 2);
  for (let i = 0; i < xs.length; i++) {
    coords[2 * i] = xs[i];
    coords[2 * i + 1] = ys[i];
  }
  return {
    choice,
    patchSizePx: cfg.patchSizePx,
    stridePx: cfg.stridePx,
    footprintLevel0,
    strideLevel0,
    cols,
    rows,
    coords,
    tissue: Float32Array.from(fractions),
  };
}
