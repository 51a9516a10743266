// A slide's CAMELYON16 evaluation mask from its annotation set: the set rasterized at 1/32 of level 0
// (the script's level 5), then computeEvaluationMask. Pure.
import { type AnnotationSet, rasterizeAnnotationSet } from '../geometry/index.js';
import { CAMELYON16_EVALUATION, computeEvaluationMask, type EvaluationMask } from './evaluation-mask.js';

/** Level-0 µm/px the script assumes (L0_RESOLUTION), used for slides that record none. */
export const CAMELYON16_L0_MPP = 0.243;

/** Null for a slide with no tumour polygon (the script's "normal" case: every detection is a false positive). */
export function evaluationMaskForSlide(
  set: AnnotationSet,
  widthLevel0: number,
  heightLevel0: number,
  mppLevel0: number,
  downsample: number = CAMELYON16_EVALUATION.downsample,
): EvaluationMask | null {
  if (set.tumours.length === 0) return null;
  const width = Math.max(1, Math.ceil(widthLevel0 / downsample));
  const height = Math.max(1, Math.ceil(heightLevel0 / downsample));
  const raster = rasterizeAnnotationSet(set, width, height, 1 / downsample);
  return computeEvaluationMask(raster, width, height, mppLevel0 * downsample, downsample);
}
