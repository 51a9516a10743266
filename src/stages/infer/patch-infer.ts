// Inference over batches of uint8 patches through the patch model (one probability row per patch), and
// over a patch shard: stored patches straight in, reading batch k+1 (synchronous HDF5) while the model
// runs batch k. Window shards crop their patches first (window-infer.ts) and use the same batches.
import type * as Ort from 'onnxruntime-node';
import type { ShardReader } from '../../hdf5/index.js';

/** What a shard loop needs of the task's session and checks (built by infer-shard.ts). */
export interface ShardRunner {
  ort: typeof Ort;
  session: Ort.InferenceSession;
  inputName: string;
  outputName: string;
  /** Extra feeds for a run over shard positions [start, start + count) (stain matrices), or none. */
  extraFeeds: (start: number, count: number) => Record<string, Ort.Tensor>;
  onPositions?: (n: number) => void;
  /** Called with each batch of stored pixels as read, before use (the pack checksum). */
  onPixels: (pixels: Uint8Array) => void;
  /** Throws PREDICTIONS_INVALID for rows that are not probabilities (firstPosition = shard index). */
  validate: (rows: Float32Array, classes: number, firstPosition: number) => void;
}

/** Runs batches of p x p patches for shard positions [start, ...) and gathers n probability rows. */
export function patchBatches(run: ShardRunner, p: number, n: number) {
  let classes = 0;
  let probabilities = new Float32Array(0);
  return {
    async infer(start: number, pixels: Uint8Array): Promise<void> {
      const b = pixels.length / (p * p * 3);
      const feeds = { [run.inputName]: new run.ort.Tensor('uint8', pixels, [b, p, p, 3]), ...run.extraFeeds(start, b) };
      const t = (await run.session.run(feeds))[run.outputName];
      const data = t.data as Float32Array;
      if (classes === 0) {
        classes = Number(t.dims[1]);
        probabilities = new Float32Array(n * classes);
      }
      run.validate(data, classes, start);
      probabilities.set(data, start * classes);
      run.onPositions?.(b);
    },
    result: () => ({ probabilities, classes }),
  };
}

export async function slidingOverPatches(
  r: ShardReader,
  run: ShardRunner,
  batchSize: number,
): Promise<{ probabilities: Float32Array; classes: number }> {
  const batches = patchBatches(run, r.patchSizePx, r.count);
  let pending: Promise<void> | null = null;
  for (let start = 0; start < r.count; start += batchSize) {
    const batch = r.readPatches(start, batchSize);
    run.onPixels(batch.pixels);
    if (pending) await pending;
    pending = batches.infer(start, batch.pixels);
  }
  if (pending) await pending;
  return batches.result();
}
