// Public entry of the plan module: the plan.json types, reading/writing, slide ids and discovery.
export { PLAN_SCHEMA_VERSION } from './types.js';
export type {
  PlanFile,
  PlanSlide,
  PlanParams,
  PlanGrid,
  PlanTissue,
  PlanSlideInfo,
  PlanError,
  PlanTotals,
  PlanShards,
  PackParams,
  WindowParams,
} from './types.js';
export { readPlan, readPlanIfExists, writePlan, parsePlan, summarizeSlides } from './plan-file.js';
export { validatePlan, isInsideRun } from './validate-plan.js';
export { slideIdFor } from './slide-id.js';
export { slideFileStems } from './slide-stem.js';
export { discoverSlides, discoverSlideFiles, SLIDE_EXTENSIONS } from './discover.js';
export type { DiscoveryOptions, SkippedEntry, SkipReason, SlideDiscovery } from './discover.js';
export { readSlideList, slideListKind, SLIDE_COLUMNS } from './slide-list.js';
export type { SlideList } from './slide-list.js';
export {
  NATIVE_EXTENSIONS,
  OPENSLIDE_EXTENSIONS,
  OPENSLIDE_FORMATS,
  isNativeSlideName,
  openSlideOnlyFormat,
  readsDicom,
} from './slide-formats.js';
export {
  estimateCost,
  estimateWindowCost,
  DEFAULT_RATES,
  WINDOW_RATES,
  PUBLISHED_STRIDE16,
  planConcerns,
  strideConcern,
  PLAUSIBLE_PLAN,
} from './estimate.js';
export type { CostEstimate, PlanConcern, PlanConcernInput, WindowCostEstimate, WindowCostInput } from './estimate.js';
