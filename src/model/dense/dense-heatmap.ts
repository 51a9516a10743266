// The stride-s heatmap of a window from a dense model: one forward pass per shift-and-stitch run
// (plan-shifts.ts), each run's logit map scattered into the grid, then a softmax over classes.
import { WsiHpcError } from '../../errors.js';
import type { RgbImage } from '../../slide/index.js';
import type { DenseSession } from './heatmap-session.js';
import { planShifts } from './plan-shifts.js';
import type { HeatmapGrid } from './types.js';
import { scoresToGrid, writeWindowCrop } from './window-tensor.js';

/**
 * Heatmap of `window` at `stridePx`: cell (i, j) scores the patch at (i*stridePx, j*stridePx).
 * With S the model's total stride: s = S takes one run; s dividing S takes (S/s)² runs on the
 * window shifted by multiples of s in [0, S), interleaved; s a multiple of S takes one run and
 * keeps every (s/S)-th cell; other strides take (S/gcd(s, S))² sparse runs (see planShifts).
 */
export async function denseHeatmap(dense: DenseSession, window: RgbImage, stridePx: number): Promise<HeatmapGrid> {
  const { Tensor } = await import('onnxruntime-node');
  const { card, patchSizePx: p, totalStridePx: S, classes } = dense.model;
  const plan = planShifts(window.width, window.height, p, stridePx, S);
  const { gridWidth: gw, gridHeight: gh } = plan;
  const scores = new Float32Array(classes * gw * gh);
  let runs = 0;
  for (const yr of plan.yRuns) {
    for (const xr of plan.xRuns) {
      const data = new Float32Array(3 * xr.lengthPx * yr.lengthPx);
      writeWindowCrop(data, 0, window, xr.startPx, yr.startPx, xr.lengthPx, yr.lengthPx, card);
      const result = await dense.session.run({ [card.input.name]: new Tensor('float32', data, [1, 3, yr.lengthPx, xr.lengthPx]) });
      runs++;
      const out = result[card.output.name];
      const [, c, hc, wc] = out.dims;
      if (c !== classes || hc !== (yr.lengthPx - p) / S + 1 || wc !== (xr.lengthPx - p) / S + 1) {
        throw new WsiHpcError(
          'INFER_FAILED',
          `dense model returned [${out.dims.join(', ')}] for a ${xr.lengthPx}x${yr.lengthPx} crop; expected [1, ${classes}, ${(yr.lengthPx - p) / S + 1}, ${(xr.lengthPx - p) / S + 1}]`,
        );
      }
      const values = out.data as Float32Array;
      for (const [gy, dy] of yr.cells) {
        for (const [gx, dx] of xr.cells) {
          for (let k = 0; k < classes; k++) scores[(k * gh + gy) * gw + gx] = values[(k * hc + dy) * wc + dx];
        }
      }
    }
  }
  return scoresToGrid(scores, card, { width: gw, height: gh, stridePx, patchSizePx: p, classes, runs });
}
