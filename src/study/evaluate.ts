// `evaluate`: accuracy of a run's predictions against ground-truth annotations: patch-level ROC
// AUC over the cohort and per slide, and slide-level AUC of the max score (tumour vs normal slides).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeGrid } from '../grid/index.js';
import { readPlan } from '../plan/index.js';
import { runPaths } from '../run/paths.js';
import { collectProbabilities } from '../stages/merge/index.js';
import { rocAuc } from './metrics.js';
import { labelPatches, readAnnotationsFor } from './patch-labels.js';

export interface SlideEvaluation {
  id: string;
  name: string;
  annotations: string | null;
  patches: number;
  tumourPatches: number;
  auc: number;
  maxScore: number;
}

export interface Evaluation {
  patchAuc: number;
  slideAuc: number;
  patches: number;
  tumourPatches: number;
  slides: SlideEvaluation[];
}

export async function evaluateRun(run: string, annotationsDir: string): Promise<Evaluation> {
  const paths = runPaths(run);
  const plan = await readPlan(paths.plan);
  const { bySlide } = await collectProbabilities(plan, paths);
  const allScores: number[] = [];
  const allLabels: number[] = [];
  const slides: SlideEvaluation[] = [];
  for (const s of plan.slides) {
    const probs = bySlide.get(s.id);
    if (!s.grid || !probs) continue;
    const grid = decodeGrid(await readFile(join(paths.root, s.grid.file)));
    const ann = await readAnnotationsFor(annotationsDir, s.path);
    const labels = labelPatches(grid.coords, s.grid.footprintLevel0, ann.tumours, ann.exclusions);
    let max = Number.NEGATIVE_INFINITY;
    let predicted = 0;
    for (let i = 0; i < probs.length; i++) {
      if (!Number.isFinite(probs[i])) continue;
      predicted++;
      allScores.push(probs[i]);
      allLabels.push(labels[i]);
      max = Math.max(max, probs[i]);
    }
    slides.push({
      id: s.id,
      name: s.name,
      annotations: ann.file,
      patches: predicted,
      tumourPatches: labels.reduce((a, b) => a + b, 0),
      auc: rocAuc(probs, labels),
      maxScore: predicted ? max : Number.NaN,
    });
  }
  return {
    patchAuc: rocAuc(allScores, allLabels),
    slideAuc: rocAuc(
      slides.map((s) => s.maxScore),
      slides.map((s) => (s.tumourPatches > 0 ? 1 : 0)),
    ),
    patches: allScores.length,
    tumourPatches: allLabels.reduce((a, b) => a + b, 0),
    slides,
  };
}
