// Dense vs sliding in a study: which configuration is a dense one's sliding twin, and |p_dense - p_sliding|
// of the positive-class probability over every position both predicted, slide by slide, only where the
// two plans' grids are the same file (sha256). Pure.
import type { StudyConfig } from './configs.js';

/** One slide's probabilities by grid index (NaN where not predicted) and its grid file's sha256. */
export interface SlideProbabilities {
  id: string;
  gridSha256: string;
  probabilities: Float32Array;
}

export interface MethodDiff {
  /** max and mean |Δp| over the compared positions; null when no position could be compared. */
  maxAbsDiff: number | null;
  meanAbsDiff: number | null;
  positions: number;
  slides: number;
  /** Slides or positions left out of the comparison, and why. */
  warnings: string[];
}

const VARIABLES_BESIDES_METHOD = ['stride', 'mpp', 'batch', 'threads', 'model'] as const;

/**
 * The configuration identical to `dense` except that its method is sliding: among `candidates` (with the
 * method each ran), one that asked for `--method sliding`, else one whose `auto` ran sliding; or null.
 */
export function slidingTwin<C extends { cfg: StudyConfig; method: 'sliding' | 'dense' }>(dense: C, candidates: readonly C[]): C | null {
  const same = candidates.filter((c) => c !== dense && VARIABLES_BESIDES_METHOD.every((k) => c.cfg[k] === dense.cfg[k]));
  return same.find((c) => c.cfg.method === 'sliding') ?? same.find((c) => c.method === 'sliding') ?? null;
}

/** |Δp| between the slides of a dense and a sliding run; slides are matched by id. */
export function compareMethods(dense: readonly SlideProbabilities[], sliding: readonly SlideProbabilities[]): MethodDiff {
  const warnings: string[] = [];
  const byId = new Map(sliding.map((s) => [s.id, s]));
  let max = 0;
  let sum = 0;
  let positions = 0;
  let slides = 0;
  for (const d of dense) {
    const s = byId.get(d.id);
    if (!s) {
      warnings.push(`${d.id}: not in the sliding run`);
      continue;
    }
    if (s.gridSha256 !== d.gridSha256 || s.probabilities.length !== d.probabilities.length) {
      warnings.push(`${d.id}: the two runs planned different grids (sha256 ${d.gridSha256.slice(0, 12)} vs ${s.gridSha256.slice(0, 12)})`);
      continue;
    }
    let onlyOne = 0;
    for (let i = 0; i < d.probabilities.length; i++) {
      const [a, b] = [d.probabilities[i], s.probabilities[i]];
      const [hasA, hasB] = [Number.isFinite(a), Number.isFinite(b)];
      if (hasA !== hasB) onlyOne++;
      if (!hasA || !hasB) continue;
      const diff = Math.abs(a - b);
      if (diff > max) max = diff;
      sum += diff;
      positions++;
    }
    if (onlyOne > 0) warnings.push(`${d.id}: ${onlyOne} position(s) predicted by one method only, left out`);
    slides++;
  }
  for (const s of sliding) if (!dense.some((d) => d.id === s.id)) warnings.push(`${s.id}: not in the dense run`);
  return positions > 0
    ? { maxAbsDiff: max, meanAbsDiff: sum / positions, positions, slides, warnings }
    : { maxAbsDiff: null, meanAbsDiff: null, positions, slides, warnings };
}
