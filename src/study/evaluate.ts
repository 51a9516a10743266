// `evaluate`: accuracy of a run's predictions against ground-truth annotations: patch-level ROC AUC
// over the cohort and per slide, slide-level AUC of the max score (tumour vs normal slides), and the
// CAMELYON16 lesion-level FROC. Refuses a run with shards lacking predictions unless `isPartial`.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { type AnnotationGroups, normalizeAnnotationGroups } from '../geometry/index.js';
import { decodePlannedGrid } from '../grid/index.js';
import { buildHeatmap } from '../heatmap/index.js';
import { readPlan } from '../plan/index.js';
import { runPaths } from '../run/paths.js';
import { collectProbabilities } from '../stages/merge/index.js';
import { type DetectionOptions, heatmapDetections } from './detections.js';
import { CAMELYON16_EVALUATION } from './evaluation-mask.js';
import { froc, type FrocResult, type SlideTruth } from './froc.js';
import { rocAuc } from './metrics.js';
import { labelPatches, readAnnotationsFor } from './patch-labels.js';
import { describeIncompleteShards, describeUnusableShards, findIncompleteShards, type IncompleteShard } from './run-completeness.js';
import { CAMELYON16_L0_MPP, evaluationMaskForSlide } from './slide-truth.js';

export interface EvaluateOptions {
  run: string;
  /** Folder of `<slide stem>.xml|.geojson|.json` annotations; a slide without one is normal. */
  annotations: string;
  /** Tumour and exclusion group names. @default ANNOTATION_GROUP_DEFAULTS */
  groups?: Partial<AnnotationGroups>;
  /** Score what was predicted even when shards lack predictions. @default false */
  isPartial?: boolean;
  detection?: DetectionOptions;
  onWarning?: (message: string) => void;
}

export interface SlideEvaluation {
  id: string;
  name: string;
  annotations: string | null;
  patches: number;
  tumourPatches: number;
  auc: number;
  maxScore: number;
  /** False when a shard of this slide has no predictions (only with isPartial). */
  isComplete: boolean;
  /** Tumour slide: some annotated tumour area after exclusions (in the evaluation mask or under a patch centre). */
  isTumour: boolean;
  /** Lesions to find (evaluation-mask labels that are not ITC) and ITC labels. */
  lesions: number;
  itc: number;
  detections: number;
}

export interface Evaluation {
  patchAuc: number;
  slideAuc: number;
  patches: number;
  tumourPatches: number;
  froc: FrocResult & { maskDownsample: number; dilationUm: number; itcMajorAxisUm: number };
  groups: AnnotationGroups;
  incompleteShards: IncompleteShard[];
  /** Slides that failed planning: not scored (only with isPartial). */
  failedSlides: Array<{ name: string; reason: string }>;
  warnings: string[];
  slides: SlideEvaluation[];
}

export async function evaluateRun(o: EvaluateOptions): Promise<Evaluation> {
  const groups = normalizeAnnotationGroups(o.groups);
  const annotationsDir = resolve(o.annotations);
  const st = await stat(annotationsDir).catch(() => null);
  if (!st?.isDirectory()) {
    throw new WsiHpcError('INVALID_OPTION', `Expected \`--annotations\` to be a folder of annotations, received \`${o.annotations}\``, {
      file: annotationsDir,
      hint: 'Give the folder holding <slide stem>.xml or .geojson files',
    });
  }
  const paths = runPaths(o.run);
  const plan = await readPlan(paths.plan);
  // Predictions read back but rejected (swapped, truncated, another model) count as missing too.
  const { bySlide, unusable } = await collectProbabilities(plan, paths);
  const incompleteShards = [...(await findIncompleteShards(plan, paths)), ...describeUnusableShards(plan, unusable)];
  if (incompleteShards.length > 0 && !o.isPartial) {
    throw new WsiHpcError(
      'RUN_INCOMPLETE',
      `${o.run}: ${incompleteShards.length} of ${plan.shards.list.length} shard(s) have no predictions: ${describeIncompleteShards(incompleteShards)}`,
      {
        file: paths.root,
        hint: `Finish them (wsi-hpc resubmit ${o.run}, or pack/infer), or pass --partial to score only what was predicted`,
      },
    );
  }
  // A slide that failed planning has no patches at all: scoring the others silently would be a smaller cohort.
  const failedSlides = plan.slides
    .filter((s) => s.status !== 'planned')
    .map((s) => ({ name: s.name, reason: s.error ? `${s.error.code}: ${s.error.message}` : s.status }));
  const failedList = failedSlides.map((f) => `${f.name} (${f.reason})`).join('; ');
  if (failedSlides.length > 0 && !o.isPartial) {
    throw new WsiHpcError(
      'RUN_INCOMPLETE',
      `${o.run}: ${failedSlides.length} of ${plan.slides.length} slide(s) failed planning: ${failedList}`,
      {
        file: paths.root,
        hint: `Fix or remove them and plan again (wsi-hpc plan ... --out ${o.run}), or pass --partial to score only the planned slides`,
      },
    );
  }
  const incompleteSlides = new Set(incompleteShards.flatMap((s) => s.slides));
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    o.onWarning?.(m);
  };
  if (failedSlides.length > 0) warn(`--partial: ${failedSlides.length} slide(s) failed planning and are not scored: ${failedList}`);
  const allScores: number[] = [];
  const allLabels: number[] = [];
  const slides: SlideEvaluation[] = [];
  const truths: SlideTruth[] = [];
  for (const s of plan.slides) {
    const probs = bySlide.get(s.id);
    if (!s.grid || !probs) continue;
    const gridFile = join(paths.root, s.grid.file);
    const grid = decodePlannedGrid(await readFile(gridFile), gridFile, s.grid.sha256);
    const ann = await readAnnotationsFor(annotationsDir, s.path, groups);
    if (ann.warning) warn(ann.warning);
    const labels = labelPatches(grid.coords, s.grid.footprintLevel0, ann.set);
    let max = Number.NEGATIVE_INFINITY;
    let predicted = 0;
    for (let i = 0; i < probs.length; i++) {
      if (!Number.isFinite(probs[i])) continue;
      predicted++;
      allScores.push(probs[i]);
      allLabels.push(labels[i]);
      max = Math.max(max, probs[i]);
    }
    // With --partial, a slide with no prediction at all is left out rather than scored as empty; a
    // complete slide without patches still counts (as a slide with no detection).
    if (predicted === 0 && incompleteSlides.has(s.id)) continue;
    const width = s.info?.width ?? 0;
    const height = s.info?.height ?? 0;
    const mpp = s.info?.mpp ?? plan.params.slideMpp ?? CAMELYON16_L0_MPP;
    if (ann.set.tumours.length > 0 && (s.info?.mpp ?? plan.params.slideMpp) == null) {
      warn(
        `${s.path}: no µm/px recorded; FROC distances (75 µm dilation, 275 µm ITC) assume ${CAMELYON16_L0_MPP} µm/px as CAMELYON16 does`,
      );
    }
    const mask = evaluationMaskForSlide(ann.set, width, height, mpp);
    // An annotation file that marks no tumour on its slide (polygons outside it, none at all) is likely a mistake.
    if (ann.file && (mask?.count ?? 0) === 0 && !labels.includes(1)) {
      warn(
        `${ann.file}: no tumour area inside the slide (${width}x${height} level-0 px), so ${s.name} counts as normal; check that the polygons use level-0 pixel coordinates and the tumour groups (${groups.tumour.join(',')})`,
      );
    }
    const heatmap = buildHeatmap({
      width,
      height,
      coords: grid.coords,
      probabilities: probs,
      footprintLevel0: s.grid.footprintLevel0,
      strideLevel0: s.grid.strideLevel0,
    });
    const detections = heatmapDetections(heatmap.values, heatmap.width, heatmap.height, heatmap.cellLevel0, o.detection);
    truths.push({ detections, mask });
    slides.push({
      id: s.id,
      name: s.name,
      annotations: ann.file,
      patches: predicted,
      tumourPatches: labels.reduce((a, b) => a + b, 0),
      auc: rocAuc(probs, labels),
      maxScore: predicted > 0 ? max : Number.NaN,
      isComplete: !incompleteSlides.has(s.id),
      isTumour: (mask?.count ?? 0) > 0 || labels.some((l) => l === 1),
      lesions: mask ? mask.count - mask.itc.size : 0,
      itc: mask ? mask.itc.size : 0,
      detections: detections.length,
    });
  }
  if (slides.length > 0 && slides.every((s) => s.annotations === null)) {
    warn(`${annotationsDir}: no annotation file matches any slide of the run, so every slide counts as normal`);
  }
  return {
    patchAuc: rocAuc(allScores, allLabels),
    slideAuc: rocAuc(
      slides.map((s) => s.maxScore),
      slides.map((s) => (s.isTumour ? 1 : 0)),
    ),
    patches: allScores.length,
    tumourPatches: allLabels.reduce((a, b) => a + b, 0),
    froc: {
      ...froc(truths),
      maskDownsample: CAMELYON16_EVALUATION.downsample,
      dilationUm: CAMELYON16_EVALUATION.dilationUm,
      itcMajorAxisUm: CAMELYON16_EVALUATION.itcMajorAxisUm,
    },
    groups,
    incompleteShards,
    failedSlides,
    warnings,
    slides,
  };
}
