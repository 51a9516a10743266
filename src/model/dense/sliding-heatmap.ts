// The sliding-window reference heatmap: one patch per grid cell through the original patch model,
// batched. The oracle for dense inference and its cost baseline.
import { WsiHpcError } from '../../errors.js';
import type { RgbImage } from '../../slide/index.js';
import { expectPositiveInt } from '../../util/is.js';
import type { PatchSession } from './heatmap-session.js';
import { planShifts } from './plan-shifts.js';
import type { HeatmapGrid } from './types.js';
import { scoresToGrid, writeWindowCrop } from './window-tensor.js';

export interface SlidingHeatmapOptions {
  /** Patches per `session.run`. @default 16 */
  batchSize?: number;
  /** Only these cells (x, y); the others are NaN. For sampling the cost of a large grid. @default every cell */
  cells?: readonly (readonly [number, number])[];
}

/** Heatmap of `window` at `stridePx`, one patch per cell: cell (i, j) is the patch at (i*stridePx, j*stridePx). */
export async function slidingHeatmap(
  patch: PatchSession,
  window: RgbImage,
  stridePx: number,
  options: SlidingHeatmapOptions = {},
): Promise<HeatmapGrid> {
  const { Tensor } = await import('onnxruntime-node');
  const { card } = patch;
  const p = card.patchSizePx;
  const batchSize = expectPositiveInt('batchSize', options.batchSize ?? 16);
  const { gridWidth: gw, gridHeight: gh } = planShifts(window.width, window.height, p, stridePx, stridePx);
  const cells = options.cells ?? Array.from({ length: gw * gh }, (_, i) => [i % gw, Math.floor(i / gw)] as const);
  let scores: Float32Array | null = null;
  let classes = 0;
  let runs = 0;
  for (let start = 0; start < cells.length; start += batchSize) {
    const batch = cells.slice(start, start + batchSize);
    const data = new Float32Array(batch.length * 3 * p * p);
    for (const [i, [x, y]] of batch.entries()) writeWindowCrop(data, i, window, x * stridePx, y * stridePx, p, p, card);
    const out = (await patch.session.run({ [card.input.name]: new Tensor('float32', data, [batch.length, 3, p, p]) }))[card.output.name];
    runs++;
    if (out.dims.length !== 2 || out.dims[0] !== batch.length)
      throw new WsiHpcError(
        'INFER_FAILED',
        `patch model returned [${out.dims.join(', ')}] for ${batch.length} patches; expected [${batch.length}, classes]`,
      );
    classes = out.dims[1];
    scores ??= new Float32Array(classes * gw * gh).fill(Number.NaN);
    const values = out.data as Float32Array;
    batch.forEach(([x, y], i) => {
      for (let k = 0; k < classes; k++) (scores as Float32Array)[(k * gh + y) * gw + x] = values[i * classes + k];
    });
  }
  const all = scores ?? new Float32Array(0);
  return scoresToGrid(all, card, { width: gw, height: gh, stridePx, patchSizePx: p, classes, runs });
}
