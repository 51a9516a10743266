// Public entry of the merge stage.
export { runMerge, MERGE_DEFAULTS } from './run-merge.js';
export type { MergeOptions, MergeResult, MergedSlide } from './run-merge.js';
export { collectProbabilities } from './collect-probabilities.js';
