// `wsi-hpc submit-wave RUN --wave N`, run by a wave's driver job: waits (polling squeue) until the wave
// fits under MaxJobCount, then submits it and the next wave's driver (submit-waves.ts). When no room
// appears within its wait, the driver queues a copy of itself and exits, so no wave is ever dropped.
import { resolve } from 'node:path';
import { OptionError, WsiHpcError } from '../errors.js';
import { runPaths } from '../run/paths.js';
import { readJobsFile, writeJobsFile } from './jobs-file.js';
import { countQueuedJobs, sbatch } from './slurm-commands.js';
import { driverArgs, submitWave, WAVE_DRIVER } from './submit-waves.js';

export interface WaveDriverOptions {
  run: string;
  wave: number;
  /** Longest wait for room before re-queueing, seconds. @default WAVE_DRIVER.waitS */
  waitS?: number;
  /** squeue polling interval, seconds. @default WAVE_DRIVER.pollS */
  pollS?: number;
  /** Progress lines (stderr). */
  log?: (line: string) => void;
}

export interface WaveDriverResult {
  wave: number;
  /** superseded: this driver job is no longer the wave's recorded driver (the run was submitted again). */
  status: 'submitted' | 'already-submitted' | 'requeued' | 'superseded';
  /** Jobs queued on the cluster when it decided, and the most it lets the queue hold (MaxJobCount - margin). */
  queued: number | null;
  limit: number;
  /** requeued: the driver's new job. */
  jobId?: string;
}

export async function runWaveDriver(o: WaveDriverOptions): Promise<WaveDriverResult> {
  const paths = runPaths(resolve(o.run));
  const file = await readJobsFile(paths.jobs);
  if (!file?.waves)
    throw new WsiHpcError('INVALID_OPTION', `${paths.jobs}: this run was not submitted in waves; nothing for submit-wave to do`, {
      file: paths.jobs,
      hint: `submit-wave is run by the wave driver jobs of \`wsi-hpc submit\`; see \`wsi-hpc status ${o.run}\``,
    });
  const waves = file.waves;
  const w = waves.planned[o.wave - 1];
  if (!Number.isInteger(o.wave) || !w)
    throw new OptionError(`Expected \`--wave\` to be a wave of this run (1-${waves.planned.length}), received \`${o.wave}\``);
  const limit = file.limits.maxJobCount - waves.margin;
  if (w.submittedAt) return { wave: o.wave, status: 'already-submitted', queued: null, limit };
  // A driver job left over from an earlier submission (submit --force since) must not submit the new plan's wave.
  const self = process.env.SLURM_JOB_NAME === 'wsihpc-wave' ? process.env.SLURM_JOB_ID : undefined;
  if (self && w.driver?.jobId && w.driver.jobId !== self) return { wave: o.wave, status: 'superseded', queued: null, limit };
  const deadline = Date.now() + (o.waitS ?? WAVE_DRIVER.waitS) * 1000;
  for (;;) {
    const queued = await countQueuedJobs();
    if (queued + w.jobCount <= limit) {
      o.log?.(`wave ${o.wave}: ${queued} jobs queued + ${w.jobCount} of this wave <= ${limit}; submitting`);
      try {
        await submitWave(paths.jobs, file, o.wave, process.env.SLURM_JOB_ID ?? 'submit-wave');
        return { wave: o.wave, status: 'submitted', queued, limit };
      } catch (err) {
        if (!isTableFull(err)) throw err;
        // squeue does not list ended jobs whose records the controller keeps for MinJobAge, yet they
        // count: sbatch is refused until they age out. What was submitted is recorded; try again later.
        o.log?.(`wave ${o.wave}: the controller refused a job (${(err as Error).message}); waiting`);
      }
    }
    if (Date.now() >= deadline) return requeue(paths.jobs, file, o.wave, queued, limit, paths);
    o.log?.(`wave ${o.wave}: ${queued} jobs queued + ${w.jobCount} of this wave > ${limit} (MaxJobCount - margin); waiting`);
    await new Promise((r) => setTimeout(r, (o.pollS ?? WAVE_DRIVER.pollS) * 1000));
  }
}

// sbatch's words when the controller's job table is full (slurmctld answers EAGAIN at MaxJobCount).
function isTableFull(err: unknown): boolean {
  return /temporarily unable to accept job|Resource temporarily unavailable|job queue full|MaxJobCount/i.test(
    String((err as Error)?.message),
  );
}

// Still no room: queue the same driver script again (no dependency) and record its job as the wave's driver.
async function requeue(
  jobsPath: string,
  file: NonNullable<Awaited<ReturnType<typeof readJobsFile>>>,
  wave: number,
  queued: number,
  limit: number,
  paths: ReturnType<typeof runPaths>,
): Promise<WaveDriverResult> {
  const driver = file.waves?.planned[wave - 1].driver;
  const script = driver?.script ?? paths.sbatchScript('wave', wave, 0);
  // --begin: the copy starts only after this driver has recorded it as the wave's driver.
  const { jobId } = await sbatch(['--begin=now+30', ...driverArgs(paths, script, null)]);
  if (driver) {
    if (driver.jobId) driver.earlierJobIds = [...(driver.earlierJobIds ?? []), driver.jobId];
    driver.jobId = jobId;
  }
  await writeJobsFile(jobsPath, file);
  return { wave, status: 'requeued', queued, limit, jobId };
}
