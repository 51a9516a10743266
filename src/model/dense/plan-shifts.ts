// Shift-and-stitch plan (pure): which window crops to run through a dense model of total stride S
// so that every cell of a stride-s grid is some run's output cell. Coordinates are (x, y).
import { OptionError } from '../../errors.js';
import { expectPositiveInt } from '../../util/is.js';
import type { AxisRun, ShiftPlan } from './types.js';

// Grid cell a sits at x = a*s. A dense run starting at x0 yields patches at x0 + k*S, so cells
// with equal (a*s mod S) share a run: one run per residue, from the first such cell to the last.
function planAxis(edgePx: number, patchSizePx: number, stridePx: number, totalStridePx: number): { count: number; runs: AxisRun[] } {
  const count = Math.floor((edgePx - patchSizePx) / stridePx) + 1;
  const byResidue = new Map<number, number[]>();
  for (let a = 0; a < count; a++) {
    const r = (a * stridePx) % totalStridePx;
    const cells = byResidue.get(r) ?? [];
    cells.push(a);
    byResidue.set(r, cells);
  }
  const runs = [...byResidue.values()].map((cells): AxisRun => {
    const startPx = cells[0] * stridePx;
    const lastPx = cells[cells.length - 1] * stridePx;
    return { startPx, lengthPx: lastPx - startPx + patchSizePx, cells: cells.map((a) => [a, (a * stridePx - startPx) / totalStridePx]) };
  });
  return { count, runs };
}

/**
 * Plan the dense runs for a stride-`stridePx` grid over a window (width, height) in pixels.
 * A stride that divides S needs (S/s)² runs (s=16, S=32: 4); a multiple of S needs one run and
 * keeps every (s/S)-th cell; any other stride needs (S/gcd(s,S))² runs, each using a sparse subset.
 */
export function planShifts(
  windowWidthPx: number,
  windowHeightPx: number,
  patchSizePx: number,
  stridePx: number,
  totalStridePx: number,
): ShiftPlan {
  expectPositiveInt('stridePx', stridePx);
  expectPositiveInt('patchSizePx', patchSizePx);
  expectPositiveInt('totalStridePx', totalStridePx);
  if (windowWidthPx < patchSizePx || windowHeightPx < patchSizePx) {
    throw new OptionError(
      `Expected the window to be at least ${patchSizePx}x${patchSizePx} px (one patch), received ${windowWidthPx}x${windowHeightPx}`,
    );
  }
  const x = planAxis(windowWidthPx, patchSizePx, stridePx, totalStridePx);
  const y = planAxis(windowHeightPx, patchSizePx, stridePx, totalStridePx);
  let densePixels = 0;
  for (const xr of x.runs) for (const yr of y.runs) densePixels += xr.lengthPx * yr.lengthPx;
  return {
    gridWidth: x.count,
    gridHeight: y.count,
    xRuns: x.runs,
    yRuns: y.runs,
    densePixels,
    slidingPixels: x.count * y.count * patchSizePx * patchSizePx,
  };
}
