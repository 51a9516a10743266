// Which jobs a resubmission needs and how they chain, like submit: infer task i waits for pack task i
// (aftercorr on the pack array of the same chunk), merge waits for every infer job (afterok). Pure.
import { splitTasks, type ArrayChunk, type ClusterLimits, type Stage } from '../slurm/index.js';

export interface ResubmitJobPlan {
  stage: Stage;
  /** null for the merge job (not an array). */
  chunk: ArrayChunk | null;
  /** Infer tasks whose pack task is not resubmitted run in their own job, with no pack dependency. */
  isAlone: boolean;
  /** `--dependency=...` with `{stage:chunk}` placeholders for job ids, or null. */
  dependency: string | null;
}

/** The jobs for these tasks per stage, on the chunk grid of `limits` (array indices < MaxArraySize). */
export function planResubmitJobs(tasks: Record<Stage, number[]>, limits: ClusterLimits): ResubmitJobPlan[] {
  const jobs: ResubmitJobPlan[] = [];
  const packChunks = splitTasks(tasks.pack, limits);
  for (const chunk of packChunks) jobs.push({ stage: 'pack', chunk, isAlone: false, dependency: null });
  const packed = new Set(tasks.pack);
  // aftercorr: array task i of infer starts when array task i of the same chunk's pack array succeeded.
  // A task missing from the pack array would wait for the whole pack job instead, hence the split.
  for (const chunk of splitTasks(
    tasks.infer.filter((t) => packed.has(t)),
    limits,
  ))
    jobs.push({ stage: 'infer', chunk, isAlone: false, dependency: `--dependency=aftercorr:{pack:${chunk.chunk}}` });
  for (const chunk of splitTasks(
    tasks.infer.filter((t) => !packed.has(t)),
    limits,
  ))
    jobs.push({ stage: 'infer', chunk, isAlone: true, dependency: null });
  if (tasks.merge.length) {
    const infer = jobs.filter((j) => j.stage === 'infer').map((j) => `{infer:${j.chunk?.chunk}${j.isAlone ? ':alone' : ''}}`);
    jobs.push({ stage: 'merge', chunk: null, isAlone: false, dependency: infer.length ? `--dependency=afterok:${infer.join(':')}` : null });
  }
  return jobs;
}

/** The placeholder key of a planned job, as used in `dependency`. */
export function jobKey(j: Pick<ResubmitJobPlan, 'stage' | 'chunk' | 'isAlone'>): string {
  return `${j.stage}:${j.chunk?.chunk ?? 0}${j.isAlone ? ':alone' : ''}`;
}
