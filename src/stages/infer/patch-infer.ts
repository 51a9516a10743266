// Inference over a patch shard: batches of stored patches straight into the model, reading batch k+1
// (synchronous HDF5) while the model runs batch k. Window shards are window-infer.ts.
import type { ShardReader } from '../../hdf5/index.js';
import type { WindowRunner } from './window-infer.js';

export async function slidingOverPatches(
  r: ShardReader,
  run: WindowRunner,
  batchSize: number,
): Promise<{ probabilities: Float32Array; classes: number }> {
  const p = r.patchSizePx;
  const n = r.count;
  let classes = 0;
  let probabilities = new Float32Array(0);
  const infer = async (start: number, pixels: Uint8Array) => {
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
  };
  let pending: Promise<void> | null = null;
  for (let start = 0; start < n; start += batchSize) {
    const batch = r.readPatches(start, batchSize);
    run.onPixels(batch.pixels);
    if (pending) await pending;
    pending = infer(start, batch.pixels);
  }
  if (pending) await pending;
  return { probabilities, classes };
}
