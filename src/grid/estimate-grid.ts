// How many patches a grid can keep, counted from the tissue mask without laying the grid, and the
// per-slide limit check that runs before planGrid (a `--stride 1` grid took hours). Pure.
import { WsiHpcError } from '../errors.js';
import { gridGeometry, type SlideExtent } from './plan-grid.js';
import type { GridConfig, GridMask, LevelChoice } from './types.js';

export interface GridEstimate {
  /** Candidate positions before the tissue filter: rows x cols. */
  candidates: number;
  /**
   * Positions whose footprint overlaps at least one tissue pixel: exactly what planGrid keeps at
   * minTissue 0, an upper bound above it. Cost: per distinct band of mask rows under a grid row,
   * one pass over those rows and a binary search per run of tissue columns; never one step per position.
   */
  maxPatches: number;
}

/** First and last tissue column of each mask row, -1 when the row has none. */
function rowExtents(mask: GridMask): { first: Int32Array; last: Int32Array } {
  const first = new Int32Array(mask.height).fill(-1);
  const last = new Int32Array(mask.height).fill(-1);
  for (let y = 0; y < mask.height; y++) {
    const row = y * mask.width;
    let x = 0;
    while (x < mask.width && mask.data[row + x] === 0) x++;
    if (x === mask.width) continue;
    first[y] = x;
    let z = mask.width - 1;
    while (mask.data[row + z] === 0) z--;
    last[y] = z;
  }
  return { first, last };
}

/** Smallest i in [0, n) with pred(i) true for a predicate false then true; n when none. */
function firstTrue(n: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function estimateGrid(extent: SlideExtent, mask: GridMask, choice: LevelChoice, cfg: GridConfig): GridEstimate {
  const { footprintLevel0: fp, strideLevel0: step, cols, rows } = gridGeometry(extent, choice, cfg);
  const candidates = rows * cols;
  if (candidates === 0 || mask.width === 0 || mask.height === 0) return { candidates, maxPatches: 0 };
  const { first, last } = rowExtents(mask);
  const { scaleX: sx, scaleY: sy, width } = mask;
  const occupied = new Uint8Array(width);
  // Columns whose footprint (x/sx, (x+fp)/sx) overlaps one run of tissue columns [a, b]; x grows with c.
  const colsOver = (a: number, b: number): [number, number] => [
    firstTrue(cols, (c) => (Math.round(c * step) + fp) / sx > a),
    firstTrue(cols, (c) => Math.round(c * step) / sx >= b + 1),
  ];
  // Positions of one grid row over the tissue of mask rows j0..j1: the union of colsOver of each run.
  const countBand = (j0: number, j1: number): number => {
    occupied.fill(0);
    for (let j = j0; j <= j1; j++) {
      for (let i = first[j]; i >= 0 && i <= last[j]; i++) if (mask.data[j * width + i] !== 0) occupied[i] = 1;
    }
    let total = 0;
    let countedTo = 0;
    for (let a = 0; a < width; a++) {
      if (!occupied[a]) continue;
      let b = a;
      while (b + 1 < width && occupied[b + 1]) b++;
      const [cLo, cEnd] = colsOver(a, b);
      const from = Math.max(cLo, countedTo);
      if (cEnd > from) total += cEnd - from;
      countedTo = Math.max(countedTo, cEnd);
      a = b;
    }
    return total;
  };
  let maxPatches = 0;
  let lastBand = '';
  let lastCount = 0;
  for (let r = 0; r < rows; r++) {
    const y = Math.round(r * step);
    // Mask rows j whose pixel [j, j+1) overlaps the footprint (y/sy, (y+fp)/sy), as coverage() sees it.
    const j0 = Math.max(0, Math.floor(y / sy));
    const j1 = Math.min(mask.height - 1, Math.ceil((y + fp) / sy) - 1);
    // Neighbouring grid rows mostly span the same mask rows (16 of them at stride 1 on a 16x mask).
    const band = `${j0}:${j1}`;
    if (band !== lastBand) {
      lastBand = band;
      lastCount = j1 < j0 ? 0 : countBand(j0, j1);
    }
    maxPatches += lastCount;
  }
  return { candidates, maxPatches };
}

/** Bytes of a grid file of n patches (docs/FORMAT.md: 16-byte header, 12 bytes per patch). */
export const gridFileBytes = (patches: number): number => 16 + 12 * patches;

const count = (n: number): string => n.toLocaleString('en-US');

/** Throw GRID_TOO_LARGE, naming the slide, the figure, the stride and patch size, when the estimate is over `limit`. */
export function assertGridWithinLimit(estimate: GridEstimate, cfg: GridConfig, limit: number, file: string): void {
  if (estimate.maxPatches <= limit) return;
  const mib = Math.round(gridFileBytes(estimate.maxPatches) / 2 ** 20);
  throw new WsiHpcError(
    'GRID_TOO_LARGE',
    `${file}: --stride ${cfg.stridePx} with ${cfg.patchSizePx} px patches would lay up to ${count(estimate.maxPatches)} patches on this slide ` +
      `(${count(estimate.candidates)} positions, a ${count(mib)} MiB grid file), over the limit of ${count(limit)} patches per slide`,
    {
      file,
      hint: `Raise --stride (the default is the patch size, ${cfg.patchSizePx}), or pass --max-grid-patches ${estimate.maxPatches} to plan it anyway`,
    },
  );
}
