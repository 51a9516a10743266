// Reading, validating and writing plan.json. Unknown schema versions are refused with a hint;
// ids, indices, counts and recorded paths are checked by validate-plan.ts before any stage acts on them.
import { readFile } from 'node:fs/promises';
import { WsiHpcError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { Shard } from '../shard/index.js';
import { validatePlan } from './validate-plan.js';
import { PLAN_SCHEMA_VERSION, type PlanFile, type PlanSlide, type PlanTotals } from './types.js';

export function summarizeSlides(slides: PlanSlide[], shards: Shard[] = []): PlanTotals {
  return {
    slides: slides.length,
    planned: slides.filter((s) => s.status === 'planned').length,
    failed: slides.filter((s) => s.status === 'failed').length,
    patches: slides.reduce((n, s) => n + (s.grid?.count ?? 0), 0),
    shards: shards.length,
    bytes: shards.reduce((n, s) => n + s.expectedBytes, 0),
    ...(shards.some((s) => s.windows !== undefined) ? { windows: shards.reduce((n, s) => n + (s.windows ?? 0), 0) } : {}),
  };
}

export function parsePlan(text: string, file: string): PlanFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new WsiHpcError('PLAN_INVALID', `${file}: not valid JSON (${(err as Error).message})`, { file, cause: err });
  }
  const plan = value as Partial<PlanFile>;
  if (typeof plan !== 'object' || plan === null || typeof plan.schemaVersion !== 'number') {
    throw new WsiHpcError('PLAN_INVALID', `${file}: no schemaVersion; not a wsi-hpc plan`, { file });
  }
  if (plan.schemaVersion !== PLAN_SCHEMA_VERSION) {
    throw new WsiHpcError(
      'PLAN_INVALID',
      `${file}: plan schema version ${plan.schemaVersion} is not supported (this wsi-hpc reads version ${PLAN_SCHEMA_VERSION})`,
      {
        file,
        hint: 'Use the wsi-hpc version that wrote the plan, or re-run `wsi-hpc plan` into a new run folder',
      },
    );
  }
  if (!Array.isArray(plan.slides) || typeof plan.params !== 'object' || plan.params === null) {
    throw new WsiHpcError('PLAN_INVALID', `${file}: missing slides or params`, {
      file,
      hint: 'Restore plan.json from a copy, or plan again: `wsi-hpc plan SLIDES --out RUN --force`',
    });
  }
  validatePlan(plan as Record<string, unknown>, file);
  return plan as PlanFile;
}

export async function readPlan(file: string): Promise<PlanFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new WsiHpcError(
      'PLAN_INVALID',
      `${file}: cannot read the plan (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      {
        file,
        hint: 'Run `wsi-hpc plan SLIDES --out RUN` first',
        cause: err,
      },
    );
  }
  return parsePlan(text, file);
}

/** Reads a plan if one exists, else null (a fresh run folder). */
export async function readPlanIfExists(file: string): Promise<PlanFile | null> {
  try {
    return parsePlan(await readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function writePlan(file: string, plan: PlanFile): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(plan, null, 1)}\n`);
}
