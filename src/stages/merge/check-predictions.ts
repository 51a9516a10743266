// What merge checks in each predictions file before using it: provenance against the plan and the
// infer marker, indices inside the plan's grids, values that are probabilities; and that all shards
// come from one model and card. Pure: the caller reads the files.
import { WsiHpcError } from '../../errors.js';
import type { Predictions } from '../../hdf5/index.js';
import { predictionsChecksum } from '../../hdf5/index.js';
import type { PlanFile } from '../../plan/index.js';
import type { Marker } from '../../run/markers.js';
import type { Shard } from '../../shard/index.js';
import { findBadProbabilities } from '../infer/check-outputs.js';

/** The model that made a predictions file. */
export interface PredictionSource {
  shard: string;
  modelName: string;
  modelSha256: string;
  cardSha256: string;
  /** sliding or dense (files written before methods existed are sliding). */
  method: string;
  /** `probabilities`, or `features/<dtype>` for a features model. */
  output: string;
}

const short = (h: unknown) => String(h).slice(0, 12);

/** Throws PREDICTIONS_MISMATCH / PREDICTIONS_INVALID naming the file and both values of each disagreement. */
export function validatePredictions(pred: Predictions, file: string, shard: Shard, plan: PlanFile, marker: Marker): PredictionSource {
  const a = pred.attrs;
  const r = marker.result ?? {};
  const problems: string[] = [];
  const differ = (what: string, inFile: unknown, expected: unknown, where: string) => {
    if (inFile !== expected) problems.push(`${what} is \`${String(inFile)}\` in the file, \`${String(expected)}\` in ${where}`);
  };
  differ('plan hash', a.plan_hash, plan.planHash, 'the plan');
  differ('shard id', a.shard_id, shard.id, 'the plan');
  differ('patch count', a.count, shard.patches, 'the plan');
  if (pred.slideIndex.length !== shard.patches)
    problems.push(`/probabilities has ${pred.slideIndex.length} rows, the plan ${shard.patches} patches`);
  differ('model hash', a.model_sha256, r.modelSha256, 'the infer marker');
  differ('card hash', a.card_sha256, r.cardSha256, 'the infer marker');
  differ('method', a.method ?? 'sliding', r.method ?? 'sliding', 'the infer marker');
  if (problems.length === 0 && predictionsChecksum(pred) !== r.probabilitiesSha256) {
    problems.push('the stored outputs differ from those the infer marker recorded (checksum mismatch)');
  }
  if (problems.length > 0) {
    throw new WsiHpcError('PREDICTIONS_MISMATCH', `${file}: ${problems.join('; ')}`, {
      file,
      hint: `Rerun \`wsi-hpc infer\` for this run: it redoes ${shard.id} (a done marker whose output does not match is not trusted)`,
    });
  }
  const grids = new Map(plan.slides.map((s) => [s.id, s.grid?.count ?? 0]));
  for (let i = 0; i < pred.slideIndex.length; i++) {
    const id = pred.slideIds[pred.slideIndex[i]];
    const g = pred.gridIndex[i];
    if (!grids.has(id) || !(g >= 0 && g < (grids.get(id) ?? 0))) {
      throw new WsiHpcError(
        'PREDICTIONS_MISMATCH',
        `${file}: patch ${i} points at slide \`${id}\` grid cell ${g}, which the plan does not have`,
        {
          file,
          hint: 'Rerun `wsi-hpc infer` for this shard',
        },
      );
    }
  }
  const bad = pred.features ? null : findBadProbabilities(pred.probabilities, pred.classes, true);
  if (bad) {
    throw new WsiHpcError('PREDICTIONS_INVALID', `${file}: patch ${bad.row} of ${shard.id} is not a probability (${bad.reason})`, {
      file,
      hint: 'Rerun `wsi-hpc infer` for this shard',
    });
  }
  return {
    shard: shard.id,
    modelName: String(a.model_name),
    modelSha256: String(a.model_sha256),
    cardSha256: String(a.card_sha256),
    method: String(a.method ?? 'sliding'),
    output: pred.features ? `features/${pred.features.dtype}` : 'probabilities',
  };
}

/** Throws MODELS_MIXED when the shards were predicted by different models or cards, naming both and their shards. */
export function validateOneModel(sources: PredictionSource[]): void {
  const groups = new Map<string, PredictionSource[]>();
  for (const s of sources) {
    // Dense and sliding probabilities of one model differ near borders: a heatmap mixing them is not one method's.
    const key = `${s.modelSha256}/${s.cardSha256}/${s.method}/${s.output}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  if (groups.size <= 1) return;
  const described = [...groups.values()].map((g) => {
    const s = g[0];
    const shards =
      g.length > 3
        ? `${g
            .slice(0, 3)
            .map((x) => x.shard)
            .join(', ')} and ${g.length - 3} more`
        : g.map((x) => x.shard).join(', ');
    return `model \`${s.modelName}\` (sha256 ${short(s.modelSha256)}, card ${short(s.cardSha256)}, method ${s.method}${s.output === 'probabilities' ? '' : `, ${s.output}`}) in ${shards}`;
  });
  throw new WsiHpcError('MODELS_MIXED', `refusing to merge predictions of different models: ${described.join(' vs ')}`, {
    hint: 'Rerun `wsi-hpc infer` with one --model (and card) and one --method for every shard; shards inferred otherwise are redone',
  });
}
