// One study configuration as SLURM arrays (`study --executor slurm`): planned here (measured), then
// pack -> infer(method) -> merge submitted as `submit` submits them; once its jobs ended, the timings
// come from the task markers (slurm-timings.ts). A study interrupted while waiting resumes waiting.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { executorFor, normalizeResources, type SubmitOptions } from '../executor/index.js';
import { readJobsFile } from '../executor/jobs-file.js';
import { liveJobs } from '../executor/slurm-commands.js';
import type { ModelCard } from '../model/index.js';
import { readPlan } from '../plan/index.js';
import { readMarker, type Marker } from '../run/markers.js';
import { runPaths } from '../run/paths.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { StudyConfig } from './configs.js';
import {
  type ConfigRun,
  type ConfigSetup,
  configSetup,
  finishConfig,
  fingerprintOf,
  type MethodUsed,
  measurePlan,
  type StageTiming,
  storedRun,
} from './run-config.js';
import { stageTimingFromMarkers } from './slurm-timings.js';

/** The options of `submit` a study passes to every configuration (the rest it sets per configuration). */
export type StudySlurmOptions = Omit<SubmitOptions, 'run' | 'model' | 'stages' | 'isDryRun' | 'isTestOnly' | 'inferArgs'>;

/** A configuration whose jobs were submitted (now or by an interrupted study) and not yet timed. */
export interface SubmittedConfig {
  /** Submitted by an earlier, interrupted run of the study: this one only waits for its jobs. */
  isResumed: boolean;
  cfg: StudyConfig;
  dir: string;
  fingerprint: string;
  setup: ConfigSetup;
  plan: StageTiming;
}

const PENDING = 'study-submitted.json';

/** `infer` arguments of a configuration's tasks. */
function inferArgs(cfg: StudyConfig): string[] {
  return [
    ...(cfg.method === null ? [] : ['--method', cfg.method]),
    ...(cfg.batch === null ? [] : ['--batch-size', String(cfg.batch)]),
    ...(cfg.threads === null ? [] : ['--threads', String(cfg.threads)]),
  ];
}

/** Reuses stored timings, resumes waiting for jobs already submitted, or plans here and submits. */
export async function submitConfig(
  cfg: StudyConfig,
  slides: string[],
  model: string,
  card: ModelCard,
  dir: string,
  fallbackMpp: number,
  slurm: StudySlurmOptions,
): Promise<{ run: ConfigRun } | { submitted: SubmittedConfig }> {
  const setup = configSetup(cfg, card, fallbackMpp);
  const { resources = {}, stageResources = {}, setup: shell = '' } = slurm;
  const fingerprint = await fingerprintOf(cfg, model, slides, setup, { executor: 'slurm', resources, stageResources, shell });
  const stored = await storedRun(dir, fingerprint, setup);
  if (stored) return { run: stored };
  const pending = JSON.parse(await readFile(join(dir, PENDING), 'utf8').catch(() => 'null')) as {
    fingerprint: string;
    plan: StageTiming;
  } | null;
  if (pending?.fingerprint === fingerprint) return { submitted: { isResumed: true, cfg, dir, fingerprint, setup, plan: pending.plan } };
  // Jobs of an earlier submission would write into the folder about to be emptied.
  const jobs = await readJobsFile(runPaths(dir).jobs).catch(() => null);
  const live = await liveJobs(jobs?.jobs.map((j) => j.jobId) ?? []);
  if (live.length > 0) {
    throw new WsiHpcError(
      'INVALID_OPTION',
      `${dir}: configuration ${cfg.name} changed while its jobs are queued or running (${live.join(', ')})`,
      {
        file: dir,
        hint: `Cancel them (scancel ${live.join(' ')}) and run the study again, or run it unchanged to wait for them`,
      },
    );
  }
  await rm(dir, { recursive: true, force: true });
  const plan = await measurePlan(slides, dir, setup);
  await executorFor('slurm').submit({ ...slurm, run: dir, model, inferArgs: inferArgs(cfg) });
  await writeFileAtomic(join(dir, PENDING), `${JSON.stringify({ fingerprint, plan })}\n`);
  return { submitted: { isResumed: false, cfg, dir, fingerprint, setup, plan } };
}

/** Polls every configuration's status until all their tasks are done or failed. */
export async function waitForConfigs(
  configs: readonly SubmittedConfig[],
  pollSeconds: number,
  onLog?: (message: string) => void,
): Promise<void> {
  let waiting = [...configs];
  let said = '';
  while (waiting.length > 0) {
    const states = await Promise.all(waiting.map(async (c) => ({ c, status: await executorFor('slurm').status(c.dir) })));
    waiting = states.filter((s) => !s.status.isFinished).map((s) => s.c);
    const line = `study: waiting for ${waiting.length} of ${configs.length} configuration(s) on SLURM`;
    if (waiting.length === 0) break;
    if (line !== said) onLog?.(line);
    said = line;
    await new Promise((r) => setTimeout(r, pollSeconds * 1000));
  }
}

async function taskMarkers(dir: string, stage: 'pack' | 'infer', tasks: number, planHash: string): Promise<Marker[]> {
  const paths = runPaths(dir);
  const markers = await Promise.all(
    Array.from({ length: tasks }, (_, t) => readMarker(paths.marker(stage, `task-${String(t).padStart(5, '0')}`))),
  );
  return markers.filter((m): m is Marker => m !== null && m.planHash === planHash);
}

/** After its jobs ended: the configuration's timings from its task markers (refused when a shard was not inferred). */
export async function finishSubmittedConfig(c: SubmittedConfig, slurm: StudySlurmOptions): Promise<ConfigRun> {
  const paths = runPaths(c.dir);
  const plan = await readPlan(paths.plan);
  const tasks = plan.tasks.pack.length;
  const cpus = (stage: 'pack' | 'infer' | 'merge') => normalizeResources(stage, slurm.resources, slurm.stageResources?.[stage]).cpusPerTask;
  const pack = await taskMarkers(c.dir, 'pack', tasks, plan.planHash);
  const infer = await taskMarkers(c.dir, 'infer', tasks, plan.planHash);
  const merge = await readMarker(paths.marker('merge', 'merge'));
  const result = infer.find((m) => m.result?.method !== undefined)?.result;
  const used: MethodUsed = {
    method: result?.method === 'dense' ? 'dense' : 'sliding',
    methodReason: typeof result?.methodReason === 'string' ? result.methodReason : 'no infer task marker says',
  };
  const stages = [
    c.plan,
    stageTimingFromMarkers('pack', pack, cpus('pack')),
    stageTimingFromMarkers('infer', infer, cpus('infer')),
    stageTimingFromMarkers('merge', merge?.planHash === plan.planHash ? [merge] : [], cpus('merge')),
  ];
  // Finished either way: a rerun after a failure submits afresh instead of waiting for these jobs again.
  await rm(join(c.dir, PENDING), { force: true });
  return finishConfig(c.cfg, c.dir, c.fingerprint, c.setup, used, stages);
}
