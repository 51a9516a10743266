// Types of report-synthetic.mjs for the TypeScript tests that import it.
import type { PlanFile } from '../src/plan/index.js';

export function makeSyntheticRun(
  dir: string,
  options?: {
    slides?: number;
    failEvery?: number;
    slidesPerShard?: number;
    seed?: number;
    pictures?: { qc: string; mask: string; heatmap: string };
  },
): Promise<PlanFile>;
