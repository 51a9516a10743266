// Public entry of the study module: metrics and evaluation against annotations.
export { rocAuc } from './metrics.js';
export { labelPatches, readAnnotationsFor } from './patch-labels.js';
export { evaluateRun } from './evaluate.js';
export type { Evaluation, SlideEvaluation } from './evaluate.js';
export { froc, heatmapDetections, FROC_FP_RATES } from './froc.js';
export type { Detection, FrocResult, SlideTruth } from './froc.js';
export { parseVary, expandConfigs, VARIABLES } from './configs.js';
export type { StudyConfig, Variable } from './configs.js';
export { extrapolate } from './extrapolate.js';
export type { ClusterSize, Extrapolation } from './extrapolate.js';
export { renderFrontierSvg, paretoFrontier } from './plot.js';
export type { PlotPoint } from './plot.js';
export { runStudy, STUDY_DEFAULTS } from './run-study.js';
export type { StudyOptions, StudyResult, StudyRow } from './run-study.js';
