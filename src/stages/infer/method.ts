// Which method infer runs a plan's shards with (sliding or dense) and why, decided once per task from
// the plan's layout, the model and its card (src/model/dense-support.ts); refusals are usage errors.
import { OptionError } from '../../errors.js';
import { chooseMethod, describeDenseSupport, type ModelCard } from '../../model/index.js';
import type { PlanFile } from '../../plan/index.js';
import type { InferMethodRequest } from './defaults.js';

export function resolveMethod(
  plan: PlanFile,
  modelBytes: Uint8Array,
  card: ModelCard,
  file: string,
  requested: InferMethodRequest,
): { method: 'sliding' | 'dense'; reason: string } {
  const isWindowPlan = Boolean(plan.params.windows);
  if (requested === 'sliding') return { method: 'sliding', reason: '--method sliding' };
  if (!isWindowPlan && requested === 'auto') return { method: 'sliding', reason: 'patch shards: each patch is one model input' };
  const chosen = chooseMethod(describeDenseSupport(modelBytes, card, file), plan.params.grid.stridePx, requested, isWindowPlan);
  if ('error' in chosen) throw new OptionError(`\`--method ${requested}\` with ${file}: ${chosen.error}`, chosen.hint);
  return chosen;
}
