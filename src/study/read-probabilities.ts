// A study configuration's per-slide positive-class probabilities, gathered from its predictions as
// `merge` gathers them (collect-probabilities.ts), with each planned slide's grid sha256.
import { readPlan } from '../plan/index.js';
import { runPaths } from '../run/paths.js';
import { collectProbabilities } from '../stages/merge/collect-probabilities.js';
import type { SlideProbabilities } from './method-diff.js';

export async function readSlideProbabilities(run: string): Promise<SlideProbabilities[]> {
  const plan = await readPlan(runPaths(run).plan);
  const { bySlide } = await collectProbabilities(plan, runPaths(run));
  const out: SlideProbabilities[] = [];
  for (const s of plan.slides) {
    const probabilities = bySlide.get(s.id);
    if (s.status === 'planned' && s.grid && probabilities) out.push({ id: s.id, gridSha256: s.grid.sha256, probabilities });
  }
  return out;
}
