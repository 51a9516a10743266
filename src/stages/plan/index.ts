// Public entry of the plan stage.
export { runPlan, PLAN_DEFAULTS } from './run-plan.js';
export type { PlanRunOptions, PlanRunResult } from './run-plan.js';
export { planSlide } from './plan-slide.js';
