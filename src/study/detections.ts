// Lesion detections from a probability heatmap, for FROC: greedy non-maximum suppression over
// heatmap cells (Liu et al. 2017 style): take the highest cell, report it, suppress its
// neighbourhood, repeat. Pure; see docs/EVALUATION.md.
import type { Detection } from './froc.js';

export interface DetectionOptions {
  /** Cells below this probability are never reported. @default 0.1 */
  floor?: number;
  /** A cell within this many cells (Euclidean, centre to centre) of a reported one is suppressed. @default 2 */
  radiusCells?: number;
}

export const DETECTION_DEFAULTS = Object.freeze({ floor: 0.1, radiusCells: 2 });

/**
 * Detections of a `width` x `height` heatmap whose cells are `cellLevel0` level-0 pixels wide, cell
 * (i, j) covering level-0 [i*cell, (i+1)*cell): each at its cell centre with the cell's value. Ties
 * go to the earlier cell in row-major order; NaN cells (no patch) are never reported.
 */
export function heatmapDetections(
  values: Float32Array,
  width: number,
  height: number,
  cellLevel0: number,
  options: DetectionOptions = {},
): Detection[] {
  const floor = options.floor ?? DETECTION_DEFAULTS.floor;
  const radius = options.radiusCells ?? DETECTION_DEFAULTS.radiusCells;
  const order: number[] = [];
  for (let i = 0; i < width * height; i++) if (values[i] >= floor) order.push(i);
  order.sort((a, b) => values[b] - values[a] || a - b);
  const suppressed = new Uint8Array(width * height);
  const reach = Math.floor(radius);
  const out: Detection[] = [];
  for (const i of order) {
    if (suppressed[i]) continue;
    const x = i % width;
    const y = (i - x) / width;
    out.push({ x: (x + 0.5) * cellLevel0, y: (y + 0.5) * cellLevel0, probability: values[i] });
    for (let dy = -reach; dy <= reach; dy++) {
      for (let dx = -reach; dx <= reach; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx >= 0 && ny >= 0 && nx < width && ny < height && dx * dx + dy * dy <= radius * radius) suppressed[ny * width + nx] = 1;
      }
    }
  }
  return out;
}
