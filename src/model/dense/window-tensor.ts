// Crops of an RGB window as normalized NCHW float32, ((pixel / 255) - mean) / std per channel as the
// card says, written the same way for dense runs and sliding-window patches so both see equal inputs;
// and the way back from class-planar scores to a HeatmapGrid.
import type { RgbImage } from '../../slide/index.js';
import type { ModelCard } from '../types.js';
import type { HeatmapGrid } from './types.js';

/** Crop (x, y, width, height) of `window` into image `index` of the NCHW batch `out`. */
export function writeWindowCrop(
  out: Float32Array,
  index: number,
  window: RgbImage,
  x: number,
  y: number,
  width: number,
  height: number,
  card: ModelCard,
): void {
  const { mean, std } = card.normalization;
  const plane = width * height;
  const base = index * 3 * plane;
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * std[c]);
    const shift = mean[c] / std[c];
    for (let row = 0; row < height; row++) {
      const src = ((y + row) * window.width + x) * 3 + c;
      const dst = base + c * plane + row * width;
      for (let col = 0; col < width; col++) out[dst + col] = window.data[src + col * 3] * scale - shift;
    }
  }
}

/** Softmax over the class planes of class-planar scores [classes][cells]. */
export function softmaxPlanes(logits: Float32Array, classes: number): Float32Array {
  const cells = logits.length / classes;
  const out = new Float32Array(logits.length);
  for (let i = 0; i < cells; i++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[c * cells + i]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[c * cells + i] = Math.exp(logits[c * cells + i] - max);
    for (let c = 0; c < classes; c++) out[c * cells + i] /= sum;
  }
  return out;
}

/** The grid for class-planar `scores`: logits get a softmax over classes, probabilities are kept. */
export function scoresToGrid(scores: Float32Array, card: ModelCard, grid: Omit<HeatmapGrid, 'logits' | 'probabilities'>): HeatmapGrid {
  const isLogits = card.output.kind === 'logits';
  return { ...grid, logits: isLogits ? scores : null, probabilities: isLogits ? softmaxPlanes(scores, grid.classes) : scores };
}
