// Public entry of the merge stage.
export { runMerge } from './run-merge.js';
export { MERGE_DEFAULTS } from './defaults.js';
export type { MergeOptions, MergeResult, MergedSlide } from './run-merge.js';
export { collectProbabilities } from './collect-probabilities.js';
