// Data types of SLURM orchestration: cluster limits, array chunks, resources, submitted jobs.

export type Stage = 'pack' | 'infer' | 'merge';
export const STAGES: readonly Stage[] = ['pack', 'infer', 'merge'] as const;

export interface ClusterLimits {
  /** Array indices must be below this (SLURM's MaxArraySize). */
  maxArraySize: number;
  /** Jobs (each array task counts) the controller holds at once. */
  maxJobCount: number;
}

/** One sbatch array covering tasks [offset, offset + indices) of a stage, indexed from 0. */
export interface ArrayChunk {
  chunk: number;
  offset: number;
  /** Array indices (0-based within the chunk), e.g. [0..K] or a resubmission's subset. */
  indices: number[];
}

export interface StageResources {
  partition: string | null;
  account: string | null;
  qos: string | null;
  /** Wall-time limit, SLURM format (e.g. "02:00:00"). */
  time: string;
  memGb: number;
  cpusPerTask: number;
  /** GPUs per task: `--gres=gpu:N` when > 0 (and `gres` is null). */
  gpus: number;
  /** Free-form generic resources per task (`gpu:a100:2`), written `--gres=<value>`; when set it wins over `gpus`. */
  gres: string | null;
  constraint: string | null;
  /** Array throttle: at most this many tasks run at once (`%T`). */
  throttle: number | null;
}

export interface SubmittedJob {
  stage: Stage;
  chunk: number;
  offset: number;
  indices: number[];
  jobId: string;
  script: string;
  /** Set for resubmissions: the attempt number (1 = first resubmission). */
  attempt: number;
}

export interface JobsFile {
  schemaVersion: 1;
  planHash: string;
  submittedAt: string;
  limits: ClusterLimits;
  jobs: SubmittedJob[];
}

/** The state of one array task as SLURM reports it. */
export interface TaskState {
  jobId: string;
  /** Index within the array (null for a non-array job). */
  index: number | null;
  state: string;
  exitCode: string | null;
}
