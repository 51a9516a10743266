// Checks every model a study uses before any configuration runs, with the checks `infer` makes
// (validate-for-infer.ts, and `--method dense`'s), so a garbage or mismatched model, or a dense
// configuration infer would refuse, fails the study at once with nothing planned.
import { resolve } from 'node:path';
import { OptionError } from '../errors.js';
import {
  chooseMethod,
  type DenseSupport,
  describeDenseSupport,
  readModelBytes,
  readModelCard,
  validateModelForInfer,
} from '../model/index.js';
import type { StudyConfig } from './configs.js';

/** The distinct model files the configurations run (a configuration's own model, else `defaultModel`), resolved. */
export function studyModels(configs: readonly StudyConfig[], defaultModel: string): string[] {
  return [...new Set(configs.map((cfg) => resolve(cfg.model ?? defaultModel)))];
}

/** Throws MODEL_INVALID or MODEL_MISMATCH naming the model (or card) file for the first model `infer` would refuse. */
export async function validateStudyModels(models: readonly string[]): Promise<void> {
  for (const file of models) {
    const bytes = await readModelBytes(file);
    const card = await readModelCard(file);
    // The study plans without stain normalization (run-config.ts), so infer wraps the model without it.
    await validateModelForInfer({ file, bytes, card, hasStainNorm: false });
  }
}

/** Throws INVALID_OPTION (exit 2) naming the first `method=dense` configuration `infer --method dense` would refuse. */
export async function validateDenseConfigs(configs: readonly StudyConfig[], defaultModel: string): Promise<void> {
  const supports = new Map<string, DenseSupport>();
  for (const cfg of configs) {
    if (cfg.method !== 'dense') continue;
    const file = resolve(cfg.model ?? defaultModel);
    const card = await readModelCard(file);
    const support = supports.get(file) ?? describeDenseSupport(await readModelBytes(file), card, file);
    supports.set(file, support);
    // A dense configuration plans windows (run-config.ts), so only the model can stand in the way.
    const chosen = chooseMethod(support, cfg.stride ?? card.patchSizePx, 'dense', true);
    if ('error' in chosen)
      throw new OptionError(`\`--vary method=dense\`: configuration ${cfg.name}: ${file}: ${chosen.error}`, chosen.hint);
  }
}
