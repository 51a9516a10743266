// Submission of a run in waves (slurm/waves.ts plans them): the driver job of each later wave, the plan
// recorded in RUN/slurm/jobs.json (schemaVersion 2), and `submitWave`, which sbatches one wave's pre-rendered
// scripts and the next wave's driver. `submit` calls it for wave 1, `wsi-hpc submit-wave` (the driver) for the rest.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunPaths } from '../run/paths.js';
import {
  renderWaveDriver,
  waveBudget,
  waveMargin,
  type ClusterLimits,
  type JobsFile,
  type Stage,
  type WaveGroup,
  type WavesRecord,
} from '../slurm/index.js';
import { writeJobsFile } from './jobs-file.js';
import { normalizeResources } from './options.js';
import { sbatch } from './slurm-commands.js';
import { BIN, escapeSlurmPath } from './stage-script.js';
import type { SubmitOptions, SubmitResult, SubmitWaves } from './submit.js';

/** The wave driver's wall time, and how long it waits for room before it queues itself again. */
export const WAVE_DRIVER = Object.freeze({ time: '00:30:00', waitS: 1200, pollS: 5 });

export interface PlannedDriver {
  wave: number;
  script: string;
  scriptPath: string;
  /** sbatch arguments: afterany on the previous wave's jobs, as `{stage:chunk}` placeholders. */
  args: string[];
  jobId?: string;
}

/** sbatch arguments of a driver (or of its re-queued copy, without dependency). */
export function driverArgs(paths: RunPaths, scriptPath: string, dependency: string | null): string[] {
  const log = join(escapeSlurmPath(paths.logDir('wave')), '%j.out');
  return [`--output=${log}`, `--error=${log}`, ...(dependency ? [dependency] : []), scriptPath];
}

/** The driver that submits wave `g` once every job of wave `prev` has ended (afterany: failed tasks too). */
export function planWaveDriver(paths: RunPaths, g: WaveGroup, prev: WaveGroup, stages: Stage[], o: SubmitOptions): PlannedDriver {
  // The driver is a CPU job: it goes where merge goes (partition, account, qos).
  const res = normalizeResources('merge', o.resources, o.stageResources?.merge);
  const scriptPath = paths.sbatchScript('wave', g.wave, 0);
  const script = renderWaveDriver({
    wave: g.wave,
    time: WAVE_DRIVER.time,
    partition: res.partition,
    account: res.account,
    qos: res.qos,
    command: [process.execPath, BIN, 'submit-wave', paths.root, '--wave', String(g.wave)],
    setup: o.setup ?? '',
  });
  const previous = stages.filter((s) => s !== 'merge').flatMap((s) => prev.chunks.map((c) => `{${s}:${c.chunk}}`));
  return { wave: g.wave, script, scriptPath, args: driverArgs(paths, scriptPath, `--dependency=afterany:${previous.join(':')}`) };
}

// `{pack:3}` -> the job id of pack chunk 3 (first submission, attempt 0).
function substitute(args: string[], ids: Map<string, string>): string[] {
  return args.map((a) => a.replace(/\{(\w+):(\d+)\}/g, (_, s: string, c: string) => ids.get(`${s}:${c}`) ?? ''));
}

/**
 * Sbatch wave `wave` of the jobs file's plan (jobs already recorded for it are skipped, so an interrupted
 * driver can be run again), then the next wave's driver; `by` is recorded as the submitter.
 */
export async function submitWave(jobsPath: string, file: JobsFile, wave: number, by: string): Promise<void> {
  const planned = file.waves?.planned ?? [];
  const w = planned[wave - 1];
  const ids = new Map(file.jobs.filter((j) => j.attempt === 0).map((j) => [`${j.stage}:${j.chunk}`, j.jobId]));
  for (const j of w.jobs) {
    if (ids.has(`${j.stage}:${j.chunk}`)) continue;
    const { jobId } = await sbatch(substitute(j.args, ids));
    ids.set(`${j.stage}:${j.chunk}`, jobId);
    file.jobs.push({ stage: j.stage, chunk: j.chunk, offset: j.offset, indices: j.indices, jobId, script: j.script, attempt: 0, wave });
    await writeJobsFile(jobsPath, file);
  }
  const next = planned[wave];
  if (next?.driver && !next.driver.jobId) {
    next.driver.jobId = (await sbatch(substitute(next.driver.args, ids))).jobId;
    await writeJobsFile(jobsPath, file);
  }
  w.submittedAt = new Date().toISOString();
  w.submittedBy = by;
  await writeJobsFile(jobsPath, file);
}

/** Job ids of the wave drivers submitted so far. */
export function driverJobIds(file: JobsFile): string[] {
  return (file.waves?.planned ?? []).flatMap((w) => (w.driver?.jobId ? [w.driver.jobId] : []));
}

// The waves with their drivers: wave g (from 2 on) is submitted by a driver that waits for wave g-1.
export function planWaveRecord(
  paths: RunPaths,
  groups: WaveGroup[],
  stages: Stage[],
  o: SubmitOptions,
  limits: ClusterLimits,
  queued: number,
): SubmitWaves {
  return {
    queuedAtSubmit: queued,
    margin: waveMargin(limits.maxJobCount),
    budget: waveBudget(limits, queued),
    planned: groups.map((g, i) => ({
      wave: g.wave,
      chunks: g.chunks.map((c) => c.chunk),
      tasks: g.tasks,
      jobCount: g.jobCount,
      driver: i === 0 ? null : planWaveDriver(paths, g, groups[i - 1], stages, o),
    })),
  };
}

// Every script of every wave is written now, so later waves run exactly what was planned; the plan goes
// into jobs.json (schemaVersion 2) and wave 1 is submitted with the driver of wave 2.
export async function submitInWaves(
  paths: RunPaths,
  planHash: string,
  limits: ClusterLimits,
  result: SubmitResult,
  waves: SubmitWaves,
): Promise<SubmitResult> {
  await mkdir(paths.logDir('wave'), { recursive: true });
  for (const p of result.submissions) await writeFile(p.scriptPath, p.script, { mode: 0o755 });
  for (const w of waves.planned) if (w.driver) await writeFile(w.driver.scriptPath, w.driver.script, { mode: 0o755 });
  const record: WavesRecord = {
    queuedAtSubmit: waves.queuedAtSubmit,
    margin: waves.margin,
    budget: waves.budget,
    planned: waves.planned.map((w) => ({
      wave: w.wave,
      chunks: w.chunks,
      tasks: w.tasks,
      jobCount: w.jobCount,
      jobs: result.submissions
        .filter((p) => p.wave === w.wave)
        .map((p) => ({
          stage: p.stage,
          chunk: p.chunk.chunk,
          offset: p.chunk.offset,
          indices: p.chunk.indices,
          script: p.scriptPath,
          args: p.args,
        })),
      driver: w.driver ? { script: w.driver.scriptPath, args: w.driver.args } : null,
    })),
  };
  const file: JobsFile = { schemaVersion: 2, planHash, submittedAt: new Date().toISOString(), limits, jobs: [], waves: record };
  await writeJobsFile(paths.jobs, file);
  await submitWave(paths.jobs, file, 1, 'submit');
  const ids = new Map(file.jobs.map((j) => [`${j.stage}:${j.chunk}`, j]));
  for (const p of result.submissions) {
    const job = ids.get(`${p.stage}:${p.chunk.chunk}`);
    if (!job) continue;
    p.jobId = job.jobId;
  }
  const second = waves.planned[1]?.driver;
  if (second) second.jobId = record.planned[1].driver?.jobId;
  result.jobsFile = paths.jobs;
  return result;
}
