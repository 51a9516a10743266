// Runs every configuration of a study, in order, on this machine (run-config.ts) or as SLURM arrays
// (run-config-slurm.ts: all submitted first, then waited for together), and says which were reused.
import { join, resolve } from 'node:path';
import { readClusterLimits } from '../executor/index.js';
import { type ModelCard, readModelCard } from '../model/index.js';
import type { StudyConfig } from './configs.js';
import { type ConfigRun, runConfig } from './run-config.js';
import { finishSubmittedConfig, type StudySlurmOptions, type SubmittedConfig, submitConfig, waitForConfigs } from './run-config-slurm.js';

export interface StudyExecution {
  /** @default 'local' */
  executor?: 'local' | 'slurm';
  /** `submit`'s options for `executor: 'slurm'`. */
  slurm?: StudySlurmOptions;
  /** Seconds between two status checks of the submitted configurations. @default 10 */
  pollSeconds?: number;
}

export interface ConfigOutcome {
  cfg: StudyConfig;
  card: ModelCard;
  dir: string;
  run: ConfigRun;
}

/** The planning resolution when neither the configuration nor the card gives one (µm/px). */
const FALLBACK_MPP = 0.5;

export async function runConfigs(
  configs: readonly StudyConfig[],
  slides: string[],
  defaultModel: string,
  out: string,
  x: StudyExecution,
  onLog?: (message: string) => void,
): Promise<ConfigOutcome[]> {
  const prepared = await Promise.all(
    configs.map(async (cfg) => {
      const model = resolve(cfg.model ?? defaultModel);
      return { cfg, model, card: await readModelCard(model), dir: join(out, 'configs', cfg.name) };
    }),
  );
  const reused = (r: ConfigOutcome) => {
    if (r.run.isReused) onLog?.(`study: ${r.cfg.name}: complete run found, reusing its timings measured ${r.run.measuredAt}`);
    return r;
  };
  // Local configurations run their stages in this process: study measures their CPU-seconds (process.cpuUsage),
  // which the local executor's task processes would hide from it.
  if (x.executor !== 'slurm') {
    const outcomes: ConfigOutcome[] = [];
    for (const p of prepared) {
      onLog?.(`study: configuration ${p.cfg.name} on ${slides.length} slide(s)`);
      outcomes.push(reused({ ...p, run: await runConfig(p.cfg, slides, p.model, p.card, p.dir, FALLBACK_MPP) }));
    }
    return outcomes;
  }
  const slurm = x.slurm ?? {};
  // Before the first configuration plans: no reachable cluster fails the study now.
  await readClusterLimits(slurm.limits);
  const runs = new Map<StudyConfig, ConfigRun>();
  const submitted: SubmittedConfig[] = [];
  for (const p of prepared) {
    const r = await submitConfig(p.cfg, slides, p.model, p.card, p.dir, FALLBACK_MPP, slurm);
    if ('run' in r) runs.set(p.cfg, r.run);
    else {
      submitted.push(r.submitted);
      const what = r.submitted.isResumed ? 'submitted by an earlier run of the study, waiting for its jobs' : 'submitted to SLURM';
      onLog?.(`study: configuration ${p.cfg.name} on ${slides.length} slide(s): ${what} (${p.dir}/slurm/jobs.json)`);
    }
  }
  await waitForConfigs(submitted, x.pollSeconds ?? 10, onLog);
  for (const s of submitted) runs.set(s.cfg, await finishSubmittedConfig(s, slurm));
  return prepared.map((p) => reused({ cfg: p.cfg, card: p.card, dir: p.dir, run: runs.get(p.cfg) as ConfigRun }));
}
