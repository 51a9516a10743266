// Submission of a run in waves (slurm/waves.ts plans them): the driver job of each later wave, and
// `submitWave`, which sbatches one wave's pre-rendered scripts and the next wave's driver, recording every
// job in RUN/slurm/jobs.json. `submit` calls it for wave 1, `wsi-hpc submit-wave` (the driver) for the rest.
import { join } from 'node:path';
import type { RunPaths } from '../run/paths.js';
import { renderWaveDriver, type JobsFile, type Stage, type WaveGroup } from '../slurm/index.js';
import { writeJobsFile } from './jobs-file.js';
import { normalizeResources } from './options.js';
import { sbatch } from './slurm-commands.js';
import { BIN, escapeSlurmPath } from './stage-script.js';
import type { SubmitOptions } from './submit.js';

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
