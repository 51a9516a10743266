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
  /** The wave (1-based) that submitted it, when the run was submitted in waves (waves.ts). */
  wave?: number;
}

/** One job of a planned wave, pre-rendered at submit time: sbatch args with `{stage:chunk}` id placeholders. */
export interface WaveJob {
  stage: Stage;
  chunk: number;
  offset: number;
  indices: number[];
  script: string;
  args: string[];
}

/** One wave of a run too large for MaxJobCount at once; waves after the first are submitted by a driver job. */
export interface PlannedWave {
  /** 1-based. */
  wave: number;
  /** Array chunks (splitArray) of this wave, in order. */
  chunks: number[];
  /** Array tasks per stage in this wave. */
  tasks: number;
  /** Jobs its submission adds to the controller: array tasks, the next wave's driver, merge. */
  jobCount: number;
  jobs: WaveJob[];
  /** The `wsihpc-wave` job that submits this wave (null for wave 1: `submit` does); jobId once submitted. */
  driver: { script: string; args: string[]; jobId?: string; earlierJobIds?: string[] } | null;
  /** When and by whom (`submit` or the driver's job id) the wave was submitted. */
  submittedAt?: string;
  submittedBy?: string;
}

export interface WavesRecord {
  /** Jobs queued on the cluster when the run was submitted (squeue), and the safety margin kept free. */
  queuedAtSubmit: number;
  margin: number;
  /** Jobs a wave may add: MaxJobCount - queuedAtSubmit - margin. */
  budget: number;
  planned: PlannedWave[];
}

export interface JobsFile {
  /** 1: one submission; 2: submitted in waves (`waves` set). Both are read. */
  schemaVersion: 1 | 2;
  planHash: string;
  submittedAt: string;
  limits: ClusterLimits;
  jobs: SubmittedJob[];
  waves?: WavesRecord;
}

/** The state of one array task as SLURM reports it. */
export interface TaskState {
  jobId: string;
  /** Index within the array (null for a non-array job). */
  index: number | null;
  state: string;
  exitCode: string | null;
}
