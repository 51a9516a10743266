// Streams one shard through the task's session: reads batch k+1 from HDF5 while the model runs
// batch k, checks outputs are finite, writes predictions atomically, then the marker.
import { rename, rm, stat } from 'node:fs/promises';
import { WsiHpcError } from '../../errors.js';
import { ShardReader, writePredictions } from '../../hdf5/index.js';
import type { PlanFile } from '../../plan/index.js';
import type { Shard } from '../../shard/index.js';
import { readMarker, writeMarker } from '../../run/markers.js';
import { runPaths } from '../../run/paths.js';
import type { SessionChoice } from '../../runner/session.js';
import { tempPathFor } from '../../util/atomic.js';
import { WRAPPED_STAIN, type ModelCard } from '../../model/index.js';

export interface InferContext {
  plan: PlanFile;
  runRoot: string;
  choice: SessionChoice;
  inputName: string;
  outputName: string;
  card: ModelCard;
  modelSha256: string;
  batchSize: number;
  /** Per-slide stain matrices when the plan normalizes stains (see run-infer.ts). */
  stainBySlide: Map<string, Float32Array> | null;
  onPatches?: (n: number) => void;
}

export interface InferShardResult {
  shard: string;
  status: 'done' | 'skipped' | 'failed';
  patches: number;
  seconds: number;
  patchesPerSecond?: number;
  error?: { code: string; message: string; hint?: string };
}

export async function inferShard(shard: Shard, ctx: InferContext): Promise<InferShardResult> {
  const paths = runPaths(ctx.runRoot);
  const out = paths.predictions(shard.id);
  const markerPath = paths.marker('infer', shard.id);
  const prev = await readMarker(markerPath);
  if (
    prev?.status === 'done' &&
    prev.planHash === ctx.plan.planHash &&
    prev.result?.modelSha256 === ctx.modelSha256 &&
    (await stat(out).catch(() => null))
  ) {
    return { shard: shard.id, status: 'skipped', patches: shard.patches, seconds: 0 };
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const tmp = tempPathFor(out);
  let reader: ShardReader | null = null;
  try {
    const packed = await readMarker(paths.marker('pack', shard.id));
    if (packed?.status !== 'done' || packed.planHash !== ctx.plan.planHash) {
      throw new WsiHpcError('SHARD_CORRUPT', `${paths.shard(shard.id)}: shard is not packed (no completed pack marker for this plan)`, {
        file: paths.shard(shard.id),
        hint: `Run \`wsi-hpc pack ${ctx.runRoot}\` first (or resubmit the pack task)`,
      });
    }
    reader = await ShardReader.open(paths.shard(shard.id));
    const r = reader;
    const p = r.patchSizePx;
    if (p !== ctx.card.patchSizePx) {
      throw new WsiHpcError(
        'MODEL_MISMATCH',
        `${paths.shard(shard.id)}: patches are ${p}x${p} but model \`${ctx.card.name}\` takes ${ctx.card.patchSizePx}x${ctx.card.patchSizePx}`,
        {
          file: paths.shard(shard.id),
          hint: `Plan with --patch-size ${ctx.card.patchSizePx}, or use a model trained at ${p} px`,
        },
      );
    }
    const { ort, session } = ctx.choice;
    const n = r.count;
    let classes = 0;
    let probabilities = new Float32Array(0);
    const slideIndex = r.readInt32('slideIndex');
    const slideIds = r.readSlideIds();
    const stainFeed = (start: number, b: number) => {
      const m = new Float32Array(b * 9);
      for (let k = 0; k < b; k++) {
        const id = slideIds[slideIndex[start + k]];
        const t = ctx.stainBySlide?.get(id);
        if (!t)
          throw new WsiHpcError('PLAN_INVALID', `${id}: the plan normalizes stains but has no fitted stains for this slide`, {
            hint: 'Re-run `wsi-hpc plan` with --stain-norm macenko',
          });
        m.set(t, k * 9);
      }
      return { [WRAPPED_STAIN]: new ort.Tensor('float32', m, [b, 3, 3]) };
    };
    const run = async (start: number, pixels: Uint8Array) => {
      const b = pixels.length / (p * p * 3);
      const feeds = { [ctx.inputName]: new ort.Tensor('uint8', pixels, [b, p, p, 3]), ...(ctx.stainBySlide ? stainFeed(start, b) : {}) };
      const res = await session.run(feeds);
      const t = res[ctx.outputName];
      const data = t.data as Float32Array;
      if (classes === 0) {
        classes = Number(t.dims[1]);
        probabilities = new Float32Array(n * classes);
      }
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i])) {
          throw new WsiHpcError(
            'INFER_FAILED',
            `${paths.shard(shard.id)}: model output is not finite (${data[i]}) for patch ${start + Math.floor(i / classes)}`,
            {
              file: paths.shard(shard.id),
              hint: 'Check the model and its normalization in the model card',
            },
          );
        }
      }
      probabilities.set(data, start * classes);
      ctx.onPatches?.(b);
    };
    let pending: Promise<void> | null = null;
    for (let start = 0; start < n; start += ctx.batchSize) {
      // Reading the next batch (synchronous HDF5) overlaps the model running the previous one.
      const batch = r.readPatches(start, ctx.batchSize);
      if (pending) await pending;
      pending = run(start, batch.pixels);
    }
    if (pending) await pending;
    await writePredictions(tmp, {
      probabilities,
      classes,
      slideIndex,
      gridIndex: r.readInt32('gridIndex'),
      slideIds,
      attrs: {
        shard_id: shard.id,
        plan_hash: ctx.plan.planHash,
        model_name: ctx.card.name,
        model_sha256: ctx.modelSha256,
        positive_index: ctx.card.output.positiveIndex,
        provider: ctx.choice.provider,
      },
    });
    await rename(tmp, out);
    const seconds = (performance.now() - t0) / 1000;
    const result = {
      patches: n,
      modelSha256: ctx.modelSha256,
      model: ctx.card.name,
      provider: ctx.choice.provider,
      threads: ctx.choice.threads,
      batchSize: ctx.batchSize,
      patchesPerSecond: n / seconds,
      reason: ctx.choice.reason,
    };
    await writeMarker(markerPath, {
      stage: 'infer',
      unit: shard.id,
      status: 'done',
      planHash: ctx.plan.planHash,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seconds,
      result,
    });
    return { shard: shard.id, status: 'done', patches: n, seconds, patchesPerSecond: n / seconds };
  } catch (err) {
    await rm(tmp, { force: true });
    const e = err instanceof WsiHpcError ? err : null;
    const error = { code: e?.code ?? 'INFER_FAILED', message: err instanceof Error ? err.message : String(err), hint: e?.hint };
    const seconds = (performance.now() - t0) / 1000;
    await writeMarker(markerPath, {
      stage: 'infer',
      unit: shard.id,
      status: 'failed',
      planHash: ctx.plan.planHash,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seconds,
      error,
    });
    return { shard: shard.id, status: 'failed', patches: 0, seconds, error };
  } finally {
    reader?.close();
  }
}
