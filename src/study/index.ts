// Public entry of the study module: metrics and evaluation against annotations.
export { rocAuc } from './metrics.js';
export { labelPatches, readAnnotations } from './patch-labels.js';
export { evaluateRun } from './evaluate.js';
export type { Evaluation, SlideEvaluation } from './evaluate.js';
