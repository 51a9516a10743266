// Inference over a window shard (docs/FORMAT.md): one probability row per kept position, in the
// shard's position order. `sliding` crops each kept position's patch from its window and runs the patch
// model in batches (the same bytes a patch shard would hold, so the same probabilities); `dense` runs
// the dense model (head as a 1x1 convolution) over the window's kept area, shift-and-stitch
// (src/model/dense/plan-shifts.ts), and picks each kept position's cell.
import { WsiHpcError } from '../../errors.js';
import type { ShardReader, WindowTables } from '../../hdf5/index.js';
import { planShifts } from '../../model/dense/plan-shifts.js';
import { patchBatches, type ShardRunner } from './patch-infer.js';

/** Windows read per HDF5 call: about 64 MiB of pixels. */
const READ_BYTES = 64 * 2 ** 20;

interface WindowView {
  /** Shard positions [first, end) of this window. */
  first: number;
  end: number;
  pixels: Uint8Array;
}

/** Yields the shard's windows in order with their positions; positions are stored window by window. */
function* windowsOf(r: ShardReader, positionWindow: Int32Array, onPixels: (p: Uint8Array) => void): Generator<WindowView> {
  const side = r.unitSizePx;
  const bytes = side * side * 3;
  const perRead = Math.max(1, Math.floor(READ_BYTES / bytes));
  let q = 0;
  for (let start = 0; start < r.units; start += perRead) {
    const batch = r.readPatches(start, perRead);
    onPixels(batch.pixels);
    for (let v = start; v < start + batch.count; v++) {
      const first = q;
      while (q < positionWindow.length && positionWindow[q] === v) q++;
      yield { first, end: q, pixels: batch.pixels.subarray((v - start) * bytes, (v - start + 1) * bytes) };
    }
  }
  if (q !== positionWindow.length) {
    throw new WsiHpcError(
      'SHARD_CORRUPT',
      `${r.path}: /window_index is not in window order (${q} of ${positionWindow.length} positions placed)`,
      {
        file: r.path,
        hint: 'Delete the shard and its pack marker, then pack again',
      },
    );
  }
}

/**
 * The shard's window tables, checked before any pixel is cropped: the pack checksum covers pixels only, so a
 * damaged or edited /window_index or /window_offset would otherwise crop the wrong pixels without a word.
 */
export function readCheckedWindowTables(r: ShardReader, stridePx: number): WindowTables {
  const t = r.readWindowTables();
  const p = r.patchSizePx;
  const side = r.unitSizePx;
  const bad = (what: string): never => {
    throw new WsiHpcError('SHARD_CORRUPT', `${r.path}: ${what}`, {
      file: r.path,
      hint: 'Delete the shard and its pack marker, then pack again',
    });
  };
  if (t.positionWindow.length !== r.count || t.positionOffset.length !== 2 * r.count) {
    bad(`window tables hold ${t.positionWindow.length} positions, the shard ${r.count}`);
  }
  let last = 0;
  for (let q = 0; q < r.count; q++) {
    const v = t.positionWindow[q];
    const [ox, oy] = [t.positionOffset[2 * q], t.positionOffset[2 * q + 1]];
    if (!(v >= last && v < r.units)) bad(`/window_index[${q}] = ${v} is out of order or past the ${r.units} windows`);
    if (!(ox >= 0 && oy >= 0 && ox + p <= side && oy + p <= side && ox % stridePx === 0 && oy % stridePx === 0)) {
      bad(`/window_offset[${q}] = (${ox}, ${oy}) does not place a ${p} px patch on the stride-${stridePx} grid inside a ${side} px window`);
    }
    last = v;
  }
  return t;
}

/** Sliding window: every kept position's patch cropped from its window, batchSize patches per run. */
export async function slidingOverWindows(
  r: ShardReader,
  run: ShardRunner,
  batchSize: number,
  stridePx: number,
): Promise<{ probabilities: Float32Array; classes: number }> {
  const t = readCheckedWindowTables(r, stridePx);
  const p = r.patchSizePx;
  const side = r.unitSizePx;
  const patchBytes = p * p * 3;
  const n = r.count;
  const batches = patchBatches(run, p, n);
  let pending: Promise<void> | null = null;
  let crops = new Uint8Array(Math.min(batchSize, n) * patchBytes);
  let filled = 0;
  let batchStart = 0;
  for (const w of windowsOf(r, t.positionWindow, run.onPixels)) {
    for (let q = w.first; q < w.end; q++) {
      const ox = t.positionOffset[2 * q];
      const oy = t.positionOffset[2 * q + 1];
      const dst = filled * patchBytes;
      for (let row = 0; row < p; row++) {
        const src = ((oy + row) * side + ox) * 3;
        crops.set(w.pixels.subarray(src, src + p * 3), dst + row * p * 3);
      }
      filled++;
      if (filled === crops.length / patchBytes) {
        // The model runs this batch while the next one is cropped.
        if (pending) await pending;
        pending = batches.infer(batchStart, crops);
        batchStart += filled;
        filled = 0;
        crops = new Uint8Array(Math.min(batchSize, n - batchStart) * patchBytes);
      }
    }
  }
  if (pending) await pending;
  if (filled > 0) await batches.infer(batchStart, crops.subarray(0, filled * patchBytes));
  return batches.result();
}

export interface DenseGeometry {
  /** Grid stride in pixels at the patch resolution, and the dense model's total stride. */
  stridePx: number;
  totalStridePx: number;
}

/** Dense: per window, the box of its kept positions run through the dense model, shift-and-stitch. */
export async function denseOverWindows(
  r: ShardReader,
  run: ShardRunner,
  g: DenseGeometry,
): Promise<{ probabilities: Float32Array; classes: number; runs: number }> {
  const t = readCheckedWindowTables(r, g.stridePx);
  const p = r.patchSizePx;
  const side = r.unitSizePx;
  const k = t.positions;
  const s = g.stridePx;
  const S = g.totalStridePx;
  let classes = 0;
  let probabilities = new Float32Array(0);
  let runs = 0;
  for (const w of windowsOf(r, t.positionWindow, run.onPixels)) {
    if (w.end === w.first) continue;
    // The kept positions' bounding box of cells: background-only rows and columns are not run.
    let [cx0, cy0, cx1, cy1] = [k, k, -1, -1];
    for (let q = w.first; q < w.end; q++) {
      const cx = t.positionOffset[2 * q] / s;
      const cy = t.positionOffset[2 * q + 1] / s;
      [cx0, cy0, cx1, cy1] = [Math.min(cx0, cx), Math.min(cy0, cy), Math.max(cx1, cx), Math.max(cy1, cy)];
    }
    const [bx, by] = [cx0 * s, cy0 * s];
    const [bw, bh] = [(cx1 - cx0) * s + p, (cy1 - cy0) * s + p];
    if (bx + bw > side || by + bh > side) {
      throw new WsiHpcError('SHARD_CORRUPT', `${r.path}: /window_offset places a patch outside its ${side} px window`, { file: r.path });
    }
    const plan = planShifts(bw, bh, p, s, S);
    const gw = plan.gridWidth;
    let cells = new Float32Array(0);
    for (const yr of plan.yRuns) {
      for (const xr of plan.xRuns) {
        const crop = new Uint8Array(xr.lengthPx * yr.lengthPx * 3);
        for (let row = 0; row < yr.lengthPx; row++) {
          const src = ((by + yr.startPx + row) * side + bx + xr.startPx) * 3;
          crop.set(w.pixels.subarray(src, src + xr.lengthPx * 3), row * xr.lengthPx * 3);
        }
        const feeds = {
          [run.inputName]: new run.ort.Tensor('uint8', crop, [1, yr.lengthPx, xr.lengthPx, 3]),
          ...run.extraFeeds(w.first, 1),
        };
        const out = (await run.session.run(feeds))[run.outputName];
        runs++;
        const [, hc, wc, c] = out.dims.map(Number);
        if (hc !== (yr.lengthPx - p) / S + 1 || wc !== (xr.lengthPx - p) / S + 1) {
          throw new WsiHpcError(
            'INFER_FAILED',
            `dense model returned [${out.dims.join(', ')}] for a ${xr.lengthPx}x${yr.lengthPx} crop; expected [1, ${(yr.lengthPx - p) / S + 1}, ${(xr.lengthPx - p) / S + 1}, classes] (total stride ${S})`,
            { hint: 'Check the card: dense.totalStride must be the network total stride; or run --method sliding' },
          );
        }
        if (classes === 0) {
          classes = c;
          probabilities = new Float32Array(r.count * classes);
        }
        if (cells.length === 0) cells = new Float32Array(plan.gridWidth * plan.gridHeight * classes);
        const values = out.data as Float32Array;
        for (const [gy, dy] of yr.cells) {
          for (const [gx, dx] of xr.cells) cells.set(values.subarray((dy * wc + dx) * c, (dy * wc + dx + 1) * c), (gy * gw + gx) * c);
        }
      }
    }
    for (let q = w.first; q < w.end; q++) {
      const gx = t.positionOffset[2 * q] / s - cx0;
      const gy = t.positionOffset[2 * q + 1] / s - cy0;
      probabilities.set(cells.subarray((gy * gw + gx) * classes, (gy * gw + gx + 1) * classes), q * classes);
    }
    run.validate(probabilities.subarray(w.first * classes, w.end * classes), classes, w.first);
    run.onPositions?.(w.end - w.first);
  }
  if (classes === 0) probabilities = new Float32Array(0);
  return { probabilities, classes, runs };
}
