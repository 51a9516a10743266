// Gathers the checked per-shard predictions of a run (collectPredictions), and from them the
// positive-class probability of every planned patch, indexed by slide id and grid index (NaN where
// not predicted). Each file is checked first (check-predictions.ts); one that does not match counts as not inferred.
import { WsiHpcError } from '../../errors.js';
import { type Predictions, readPredictions } from '../../hdf5/index.js';
import type { PlanFile } from '../../plan/index.js';
import { readMarker } from '../../run/markers.js';
import type { RunPaths } from '../../run/paths.js';
import { type PredictionSource, validateOneModel, validatePredictions } from './check-predictions.js';

export interface CollectedPredictions {
  accepted: Predictions[];
  /** Slide id → why it is incomplete (a shard not inferred, or predictions that do not match). */
  missing: Map<string, string>;
  /** Shard id → why its predictions were rejected although its infer marker says done for this plan. */
  unusable: Map<string, string>;
  /** The model of the merged predictions (one for all shards). */
  model: PredictionSource | null;
}

export interface CollectedProbabilities extends Omit<CollectedPredictions, 'accepted'> {
  bySlide: Map<string, Float32Array>;
}

/** Every shard's checked predictions; throws MODELS_MIXED before anything is written when shards disagree. */
export async function collectPredictions(plan: PlanFile, paths: RunPaths): Promise<CollectedPredictions> {
  const missing = new Map<string, string>();
  const unusable = new Map<string, string>();
  const sources: PredictionSource[] = [];
  const accepted: Predictions[] = [];
  for (const shard of plan.shards.list) {
    const reject = (reason: string) => {
      for (const g of shard.segments) if (!missing.has(g.slideId)) missing.set(g.slideId, reason);
    };
    const marker = await readMarker(paths.marker('infer', shard.id));
    if (marker?.status !== 'done' || marker.planHash !== plan.planHash) {
      reject(`${shard.id} not inferred${marker?.error ? ` (${marker.error.message})` : ''}`);
      continue;
    }
    const file = paths.predictions(shard.id);
    try {
      const pred = await readPredictions(file);
      sources.push(validatePredictions(pred, file, shard, plan, marker));
      accepted.push(pred);
    } catch (err) {
      if (!(err instanceof WsiHpcError)) throw err;
      unusable.set(shard.id, `${err.code}: ${err.message}`);
      reject(`${shard.id} not usable: ${err.code}: ${err.message}`);
    }
  }
  // Refuse before writing anything: a heatmap (or a bag of features) mixing two models is wrong everywhere.
  validateOneModel(sources);
  return { accepted, missing, unusable, model: sources[0] ?? null };
}

export function probabilitiesBySlide(plan: PlanFile, accepted: Predictions[]): Map<string, Float32Array> {
  const bySlide = new Map<string, Float32Array>();
  for (const s of plan.slides) if (s.grid) bySlide.set(s.id, new Float32Array(s.grid.count).fill(Number.NaN));
  for (const pred of accepted) {
    const pos = Number(pred.attrs.positive_index ?? 1);
    for (let i = 0; i < pred.slideIndex.length; i++) {
      const target = bySlide.get(pred.slideIds[pred.slideIndex[i]]);
      if (target) target[pred.gridIndex[i]] = pred.probabilities[i * pred.classes + pos];
    }
  }
  return bySlide;
}

export async function collectProbabilities(plan: PlanFile, paths: RunPaths): Promise<CollectedProbabilities> {
  const { accepted, ...rest } = await collectPredictions(plan, paths);
  return { ...rest, bySlide: probabilitiesBySlide(plan, accepted) };
}
