// What infer checks before and after running a shard: that the shard file is the plan's shard
// (plan hash, shard id, patch count), and that model outputs are probabilities (or finite features). Pure: no I/O.
import { WsiHpcError } from '../../errors.js';

export interface ExpectedShard {
  file: string;
  shardId: string;
  planHash: string;
  patches: number;
}

/** Throws SHARD_MISMATCH naming the shard file and, per attribute, the file's and the plan's value. */
export function validateShardAttrs(attrs: Record<string, unknown>, count: number, e: ExpectedShard): void {
  const problems: string[] = [];
  if (attrs.plan_hash !== e.planHash)
    problems.push(`plan hash is \`${String(attrs.plan_hash)}\` in the shard, \`${e.planHash}\` in the plan`);
  if (attrs.shard_id !== e.shardId) problems.push(`shard id is \`${String(attrs.shard_id)}\` in the shard, \`${e.shardId}\` in the plan`);
  const attrCount = typeof attrs.count === 'bigint' ? Number(attrs.count) : attrs.count;
  if (count !== e.patches || attrCount !== e.patches) {
    problems.push(`patch count is ${count} in the shard (count attribute ${String(attrCount)}), ${e.patches} in the plan`);
  }
  if (problems.length === 0) return;
  throw new WsiHpcError('SHARD_MISMATCH', `${e.file}: this shard does not belong to the plan: ${problems.join('; ')}`, {
    file: e.file,
    hint: `Delete ${e.file} and its pack marker, then rerun \`wsi-hpc pack\` for this run`,
  });
}

/** Largest |row sum - 1| accepted for float32 probabilities. */
export const ROW_SUM_TOLERANCE = 1e-3;
/** Float32 rounding allowed past 0 and 1. */
const RANGE_TOLERANCE = 1e-6;

export interface BadOutput {
  /** Patch index within the batch. */
  row: number;
  reason: string;
}

/** The first row of a [rows, classes] output that is not a probability vector, or null. */
export function findBadProbabilities(data: ArrayLike<number>, classes: number, shouldSumToOne: boolean): BadOutput | null {
  const rows = Math.floor(data.length / classes);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const v = data[r * classes + c];
      if (Number.isNaN(v)) return { row: r, reason: `class ${c} is NaN` };
      if (!(v >= -RANGE_TOLERANCE && v <= 1 + RANGE_TOLERANCE))
        return { row: r, reason: `class ${c} is ${Number(v.toPrecision(6))}, outside [0, 1]` };
      sum += v;
    }
    if (shouldSumToOne && classes > 1 && Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      return { row: r, reason: `the ${classes} class probabilities sum to ${sum.toPrecision(6)}, not 1` };
    }
  }
  return null;
}

/** Throws PREDICTIONS_INVALID naming the shard file and the first bad patch (index within the shard). */
export function validateProbabilities(
  data: ArrayLike<number>,
  classes: number,
  firstPatch: number,
  shard: { id: string; file: string },
): void {
  const bad = findBadProbabilities(data, classes, true);
  if (!bad) return;
  throw new WsiHpcError(
    'PREDICTIONS_INVALID',
    `${shard.file}: the model's output for patch ${firstPatch + bad.row} of ${shard.id} is not a probability (${bad.reason}); no predictions were written for this shard`,
    {
      file: shard.file,
      hint: 'Check the model and its card: output.kind (logits get a softmax, probabilities are used as they are) and the normalization; `wsi-hpc model inspect` runs the same checks',
    },
  );
}

/** Throws PREDICTIONS_INVALID for the first embedding row holding NaN or an infinity (features models). */
export function validateFeatures(data: ArrayLike<number>, dim: number, firstPatch: number, shard: { id: string; file: string }): void {
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    throw new WsiHpcError(
      'PREDICTIONS_INVALID',
      `${shard.file}: the model's features for patch ${firstPatch + Math.floor(i / dim)} of ${shard.id} hold ${data[i]} (feature ${i % dim}); no features were written for this shard`,
      {
        file: shard.file,
        hint: 'Check the model and its card (normalization, output name); `wsi-hpc model inspect` runs it on sample patches',
      },
    );
  }
}
