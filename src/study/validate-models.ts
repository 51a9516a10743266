// Checks every model a study uses before any configuration runs, with the checks `infer` makes
// (validate-for-infer.ts), so a garbage or mismatched model fails the study at once with nothing planned.
import { resolve } from 'node:path';
import { readModelBytes, readModelCard, validateModelForInfer } from '../model/index.js';
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
