// Groups a run's array chunks into waves that fit the controller's job table (MaxJobCount less the jobs
// already queued and a safety margin). Every array task counts as a job (slurm.conf MaxJobCount), so a
// later wave is submitted only when the earlier ones have left room, by a driver job. Pure.
import { WsiHpcError } from '../errors.js';
import type { ArrayChunk, ClusterLimits, Stage } from './types.js';

export interface WaveGroup {
  /** 1-based. */
  wave: number;
  chunks: ArrayChunk[];
  /** Array tasks per stage in this wave. */
  tasks: number;
  /** Jobs its submission adds: array tasks of every array stage, the next wave's driver, merge (last wave). */
  jobCount: number;
  hasMerge: boolean;
  hasNextDriver: boolean;
}

export interface WavePlanInput {
  chunks: ArrayChunk[];
  stages: readonly Stage[];
  limits: ClusterLimits;
  /** Jobs (array tasks counted one by one) in the controller's queue now. */
  queued: number;
}

/** Jobs kept free for others: 1% of MaxJobCount, at least 2. */
export function waveMargin(maxJobCount: number): number {
  return Math.max(2, Math.floor(maxJobCount / 100));
}

/** Jobs one wave may have in the queue at once, counting the driver that submits it. */
export function waveBudget(limits: ClusterLimits, queued: number): number {
  return limits.maxJobCount - queued - waveMargin(limits.maxJobCount);
}

/**
 * One wave when the whole run fits (as a plain submission), else chunks in order, as many per wave as
 * fit: a wave's tasks + its next driver or merge (1) + the driver that submits it (1, from wave 2 on).
 */
export function planWaves(input: WavePlanInput): WaveGroup[] {
  const { chunks, stages, limits, queued } = input;
  const arrayStages = stages.filter((s) => s !== 'merge').length;
  const hasMerge = stages.includes('merge');
  const budget = waveBudget(limits, queued);
  const jobsOf = (c: ArrayChunk) => c.indices.length * arrayStages;
  const total = chunks.reduce((n, c) => n + jobsOf(c), 0) + (hasMerge ? 1 : 0);
  if (total <= budget || arrayStages === 0) return [group(1, chunks, arrayStages, hasMerge, false)];
  const biggest = Math.max(...chunks.map(jobsOf));
  if (biggest + 2 > budget) throw tooBig(input, biggest, budget, arrayStages);
  const waves: ArrayChunk[][] = [[]];
  let used = 1;
  for (const c of chunks) {
    if (used + jobsOf(c) > budget) {
      waves.push([]);
      used = 2;
    }
    waves[waves.length - 1].push(c);
    used += jobsOf(c);
  }
  return waves.map((w, i) => group(i + 1, w, arrayStages, hasMerge && i === waves.length - 1, i < waves.length - 1));
}

function group(wave: number, chunks: ArrayChunk[], arrayStages: number, hasMerge: boolean, hasNextDriver: boolean): WaveGroup {
  const tasks = chunks.reduce((n, c) => n + c.indices.length, 0);
  return { wave, chunks, tasks, jobCount: tasks * arrayStages + (hasMerge ? 1 : 0) + (hasNextDriver ? 1 : 0), hasMerge, hasNextDriver };
}

function tooBig(input: WavePlanInput, biggest: number, budget: number, arrayStages: number): WsiHpcError {
  const { limits, queued } = input;
  const size = Math.floor((budget - 2) / arrayStages);
  const fix =
    size >= 1
      ? `Submit with --max-array-size ${size} (smaller arrays fit a wave), or re-plan with a larger --shards-per-task (fewer tasks)`
      : 'Wait until fewer jobs are queued on the cluster (squeue), or ask the administrators about MaxJobCount';
  return new WsiHpcError(
    'RESOURCE_LIMIT',
    `One array chunk needs ${biggest} jobs (${biggest / arrayStages} tasks x ${arrayStages} stage(s)) + 2 for the wave drivers, but only ${budget} fit in the controller's job table now (MaxJobCount ${limits.maxJobCount} - ${queued} queued - margin ${waveMargin(limits.maxJobCount)})`,
    { hint: fix },
  );
}
