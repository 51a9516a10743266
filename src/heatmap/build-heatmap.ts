// Per-slide probability heatmaps at grid resolution: one cell per stride step; a cell's value is
// the mean of the patches covering it (overlapping patches averaged), NaN where no patch is. Pure.

export interface HeatmapInput {
  /** Level-0 slide size. */
  width: number;
  height: number;
  coords: Int32Array;
  /** Probability per grid patch (NaN when not predicted). */
  probabilities: Float32Array;
  footprintLevel0: number;
  strideLevel0: number;
}

export interface Heatmap {
  width: number;
  height: number;
  /** Level-0 pixels per cell. */
  cellLevel0: number;
  values: Float32Array;
}

export function buildHeatmap(h: HeatmapInput): Heatmap {
  const cell = h.strideLevel0;
  const width = Math.max(1, Math.ceil(h.width / cell));
  const height = Math.max(1, Math.ceil(h.height / cell));
  const span = Math.max(1, Math.round(h.footprintLevel0 / cell));
  const sum = new Float64Array(width * height);
  const count = new Uint32Array(width * height);
  for (let i = 0; i < h.probabilities.length; i++) {
    const p = h.probabilities[i];
    if (!Number.isFinite(p)) continue;
    const cx = Math.round(h.coords[2 * i] / cell);
    const cy = Math.round(h.coords[2 * i + 1] / cell);
    for (let y = cy; y < Math.min(height, cy + span); y++) {
      for (let x = cx; x < Math.min(width, cx + span); x++) {
        sum[y * width + x] += p;
        count[y * width + x]++;
      }
    }
  }
  const values = new Float32Array(width * height);
  for (let i = 0; i < values.length; i++) values[i] = count[i] ? sum[i] / count[i] : Number.NaN;
  return { width, height, cellLevel0: cell, values };
}
