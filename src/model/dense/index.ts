// Public entry of dense inference: patch classifier → fully convolutional model, dense and
// sliding-window heatmaps of a window, their comparison, and the test CNN. Named re-exports only.
export { convertToDense } from './convert-to-dense.js';
export { SUPPORTED_HEADS } from './find-head.js';
export { planShifts } from './plan-shifts.js';
export { denseHeatmap } from './dense-heatmap.js';
export { slidingHeatmap, type SlidingHeatmapOptions } from './sliding-heatmap.js';
export {
  createDenseSession,
  createPatchSession,
  type DenseSession,
  type PatchSession,
  type HeatmapSessionOptions,
} from './heatmap-session.js';
export { compareHeatmaps, type HeatmapDifference } from './compare-heatmaps.js';
export { buildFcn, type FcnHead, type FcnModel, type FcnOptions } from './build-fcn.js';
export type { AxisRun, DenseModel, HeatmapGrid, ShiftPlan } from './types.js';
