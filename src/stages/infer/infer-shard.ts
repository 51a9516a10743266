// Infers one shard through the unit-of-work skeleton (src/run/unit-of-work.ts: lock, temporary name,
// verify, rename, marker): checks the shard is the plan's, streams it through the task's session
// (reading batch k+1 while the model runs batch k), checks outputs are probabilities.
import { basename } from 'node:path';
import { WsiHpcError } from '../../errors.js';
import { ShardReader, predictionsChecksum, readPredictions, toFloat16, writePredictions } from '../../hdf5/index.js';
import { WRAPPED_STAIN, type ModelCard } from '../../model/index.js';
import type { PlanFile } from '../../plan/index.js';
import { type Marker, readMarker } from '../../run/markers.js';
import { runPaths } from '../../run/paths.js';
import { isOutputPresent } from '../../run/output-present.js';
import { runUnitOfWork, type UnitOptions } from '../../run/unit-of-work.js';
import type { SessionChoice } from '../../runner/session.js';
import type { Shard } from '../../shard/index.js';
import { validateFeatures, validateProbabilities, validateShardAttrs } from './check-outputs.js';
import { slidingOverPatches } from './patch-infer.js';
import { denseOverWindows, slidingOverWindows } from './window-infer.js';
import { contentHasher, isContentHashAlgorithm } from '../../util/hash.js';

export interface InferContext {
  plan: PlanFile;
  runRoot: string;
  choice: SessionChoice;
  inputName: string;
  outputName: string;
  card: ModelCard;
  modelSha256: string;
  /** hashJson of the validated model card: merge refuses predictions made with different cards. */
  cardSha256: string;
  batchSize: number;
  /** How window shards are run (patch shards always feed each patch): see window-infer.ts. */
  method: 'sliding' | 'dense';
  /** How a features model's rows are stored (float16 by default). */
  featuresDtype: 'float16' | 'float32';
  /** The dense model's total stride in pixels (method dense). */
  totalStridePx: number | null;
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

interface Produced {
  patches: number;
  classes: number;
  checksum: string;
}

/** The provenance attributes every predictions file carries (see PREDICTIONS_ATTRS). */
export function expectedPredictionAttrs(shard: Shard, ctx: InferContext): Record<string, string | number> {
  return {
    shard_id: shard.id,
    plan_hash: ctx.plan.planHash,
    count: shard.patches,
    model_name: ctx.card.name,
    model_sha256: ctx.modelSha256,
    card_sha256: ctx.cardSha256,
    positive_index: ctx.card.output.kind === 'features' ? -1 : ctx.card.output.positiveIndex,
    method: ctx.method,
    ...(ctx.card.output.kind === 'features' ? { output_kind: 'features', features_dtype: ctx.featuresDtype } : {}),
  };
}

// Trust a done marker only for the same model and card, and a predictions file that is still the
// one it describes: size, provenance attributes and the probabilities' checksum.
async function isComplete(shard: Shard, marker: Marker, ctx: InferContext, file: string): Promise<boolean> {
  const r = marker.result ?? {};
  if (r.modelSha256 !== ctx.modelSha256 || r.cardSha256 !== ctx.cardSha256 || (r.method ?? 'sliding') !== ctx.method) return false;
  if (!(await isOutputPresent(marker, file))) return false;
  const pred = await readPredictions(file);
  const want = expectedPredictionAttrs(shard, ctx);
  if (Object.entries(want).some(([k, v]) => pred.attrs[k] !== v)) return false;
  return pred.slideIndex.length === shard.patches && predictionsChecksum(pred) === r.probabilitiesSha256;
}

export async function inferShard(shard: Shard, ctx: InferContext, options: UnitOptions = {}): Promise<InferShardResult> {
  const paths = runPaths(ctx.runRoot);
  const out = paths.predictions(shard.id);
  const outcome = await runUnitOfWork<Produced>(
    {
      stage: 'infer',
      unit: shard.id,
      planHash: ctx.plan.planHash,
      markerPath: paths.marker('infer', shard.id),
      output: out,
      fallbackCode: 'INFER_FAILED',
      isComplete: (marker) => isComplete(shard, marker, ctx, out),
      produce: (tmp) => predictShard(shard, ctx, tmp),
      verify: async (tmp, produced) => {
        const back = await readPredictions(tmp);
        if (back.slideIndex.length !== produced.patches || predictionsChecksum(back) !== produced.checksum) {
          throw new WsiHpcError('INFER_FAILED', `${out}: verification failed after writing (re-read predictions differ)`, { file: out });
        }
      },
      markerResult: (produced, fileBytes, seconds) => ({
        patches: produced.patches,
        classes: produced.classes,
        modelSha256: ctx.modelSha256,
        cardSha256: ctx.cardSha256,
        model: ctx.card.name,
        method: ctx.method,
        probabilitiesSha256: produced.checksum,
        fileBytes,
        file: `predictions/${basename(out)}`,
        provider: ctx.choice.provider,
        threads: ctx.choice.threads,
        batchSize: ctx.batchSize,
        patchesPerSecond: produced.patches / seconds,
        reason: ctx.choice.reason,
        // Which process ran the shard (a task with several sessions runs one child process per session).
        pid: process.pid,
      }),
    },
    options,
  );
  if (outcome.status === 'skipped') return { shard: shard.id, status: 'skipped', patches: shard.patches, seconds: 0 };
  if (outcome.status === 'failed') return { shard: shard.id, status: 'failed', patches: 0, seconds: outcome.seconds, error: outcome.error };
  const { patches } = outcome.produced;
  return { shard: shard.id, status: 'done', patches, seconds: outcome.seconds, patchesPerSecond: patches / outcome.seconds };
}

// Runs the shard through the model and writes the predictions to `tmp`.
async function predictShard(shard: Shard, ctx: InferContext, tmp: string): Promise<Produced> {
  const paths = runPaths(ctx.runRoot);
  const shardFile = paths.shard(shard.id);
  const packed = await readMarker(paths.marker('pack', shard.id));
  if (packed?.status !== 'done' || packed.planHash !== ctx.plan.planHash) {
    throw new WsiHpcError('SHARD_CORRUPT', `${shardFile}: shard is not packed (no completed pack marker for this plan)`, {
      file: shardFile,
      hint: `Run \`wsi-hpc pack ${ctx.runRoot}\` first (or resubmit the pack task)`,
    });
  }
  const r = await ShardReader.open(shardFile);
  try {
    validateShardAttrs(r.attrs, r.count, { file: shardFile, shardId: shard.id, planHash: ctx.plan.planHash, patches: shard.patches });
    const isWindowPlan = Boolean(ctx.plan.params.windows);
    if ((r.kind === 'windows') !== isWindowPlan || r.units !== (shard.windows ?? shard.patches)) {
      throw new WsiHpcError(
        'SHARD_MISMATCH',
        `${shardFile}: the shard holds ${r.units} ${r.kind} but the plan's ${shard.id} has ${shard.windows ?? shard.patches} ${isWindowPlan ? 'windows' : 'patches'}`,
        { file: shardFile, hint: `Delete ${shardFile} and its pack marker, then rerun \`wsi-hpc pack\` for this run` },
      );
    }
    const p = r.patchSizePx;
    if (p !== ctx.card.patchSizePx) {
      throw new WsiHpcError(
        'MODEL_MISMATCH',
        `${shardFile}: patches are ${p}x${p} but model \`${ctx.card.name}\` takes ${ctx.card.patchSizePx}x${ctx.card.patchSizePx}`,
        { file: shardFile, hint: `Plan with --patch-size ${ctx.card.patchSizePx}, or use a model trained at ${p} px` },
      );
    }
    const { ort, session } = ctx.choice;
    const isFeatures = ctx.card.output.kind === 'features';
    const slideIndex = r.readInt32('slideIndex');
    const slideIds = r.readSlideIds();
    const stainFeed = (start: number, b: number): Record<string, InstanceType<typeof ort.Tensor>> => {
      if (!ctx.stainBySlide) return {};
      const m = new Float32Array(b * 9);
      for (let k = 0; k < b; k++) {
        const id = slideIds[slideIndex[start + k]];
        const t = ctx.stainBySlide.get(id);
        if (!t)
          throw new WsiHpcError('PLAN_INVALID', `${id}: the plan normalizes stains but has no fitted stains for this slide`, {
            hint: 'Re-run `wsi-hpc plan` with --stain-norm macenko',
          });
        m.set(t, k * 9);
      }
      return { [WRAPPED_STAIN]: new ort.Tensor('float32', m, [b, 3, 3]) };
    };
    // The pixels are hashed as they are read and checked against pack's checksum: a shard whose bytes
    // changed since packing (same size, so its done marker still looks valid) is not inferred.
    // With the algorithm the marker recorded (older runs: xxh128); an unknown one is not checked.
    const algorithm = packed.result?.checksumAlgorithm;
    const hasher = isContentHashAlgorithm(algorithm) ? await contentHasher(algorithm) : null;
    const runner = {
      ort,
      session,
      inputName: ctx.inputName,
      outputName: ctx.outputName,
      extraFeeds: stainFeed,
      onPositions: ctx.onPatches,
      onPixels: (pixels: Uint8Array) => {
        hasher?.update(pixels);
      },
      validate: (rows: Float32Array, classes: number, first: number) =>
        isFeatures
          ? validateFeatures(rows, classes, first, { id: shard.id, file: shardFile })
          : validateProbabilities(rows, classes, first, { id: shard.id, file: shardFile }),
    };
    const { probabilities, classes } =
      r.kind === 'patches'
        ? await slidingOverPatches(r, runner, ctx.batchSize)
        : ctx.method === 'dense'
          ? await denseOverWindows(r, runner, { stridePx: ctx.plan.params.grid.stridePx, totalStridePx: ctx.totalStridePx as number })
          : await slidingOverWindows(r, runner, ctx.batchSize, ctx.plan.params.grid.stridePx);
    if (hasher && hasher.digest() !== packed.result?.checksum) {
      throw new WsiHpcError('SHARD_CORRUPT', `${shardFile}: patch pixels differ from those pack wrote (checksum mismatch)`, {
        file: shardFile,
        hint: `The shard was changed or damaged after packing: delete it and its pack marker, then run \`wsi-hpc pack ${ctx.runRoot}\` again`,
      });
    }
    const n = r.count;
    // A features model's rows are its embeddings: stored as /features in the chosen dtype.
    const features = isFeatures
      ? { data: ctx.featuresDtype === 'float16' ? toFloat16(probabilities) : probabilities, dim: classes, dtype: ctx.featuresDtype }
      : undefined;
    await writePredictions(tmp, {
      probabilities: features ? new Float32Array(0) : probabilities,
      classes: features ? 0 : classes,
      ...(features ? { features } : {}),
      slideIndex,
      gridIndex: r.readInt32('gridIndex'),
      slideIds,
      attrs: { ...expectedPredictionAttrs(shard, ctx), provider: ctx.choice.provider },
    });
    return { patches: n, classes, checksum: predictionsChecksum({ probabilities, features }) };
  } finally {
    r.close();
  }
}
