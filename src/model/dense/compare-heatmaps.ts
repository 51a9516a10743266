// Differences between two heatmaps of the same grid (dense vs sliding window), over the cells both
// hold (NaN cells, e.g. unsampled ones, are skipped). Pure.
import { OptionError } from '../../errors.js';
import type { HeatmapGrid } from './types.js';

export interface HeatmapDifference {
  /** Cells compared (both finite). */
  cells: number;
  maxAbsLogit: number | null;
  /** Largest |logit| in `b`, to read maxAbsLogit against. */
  maxLogitMagnitude: number | null;
  maxAbsProbability: number;
  meanAbsProbability: number;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): { max: number; sum: number; n: number } {
  let max = 0;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) continue;
    max = Math.max(max, d);
    sum += d;
    n++;
  }
  return { max, sum, n };
}

export function compareHeatmaps(a: HeatmapGrid, b: HeatmapGrid): HeatmapDifference {
  if (a.width !== b.width || a.height !== b.height || a.classes !== b.classes) {
    throw new OptionError(
      `Expected heatmaps of the same grid, received ${a.width}x${a.height}x${a.classes} and ${b.width}x${b.height}x${b.classes}`,
    );
  }
  const p = maxAbsDiff(a.probabilities, b.probabilities);
  const l = a.logits && b.logits ? maxAbsDiff(a.logits, b.logits) : null;
  const magnitude = b.logits ? b.logits.reduce((m, v) => (Number.isNaN(v) ? m : Math.max(m, Math.abs(v))), 0) : null;
  return {
    cells: p.n / a.classes,
    maxAbsLogit: l ? l.max : null,
    maxLogitMagnitude: magnitude,
    maxAbsProbability: p.max,
    meanAbsProbability: p.n ? p.sum / p.n : 0,
  };
}
