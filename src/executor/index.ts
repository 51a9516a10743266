// Public entry of the executor module: SLURM submission, status, resubmission, and the local executor.
export { submitRun } from './submit.js';
export { escapeSlurmPath, TEMPLATES_DIR } from './stage-script.js';
export type { SubmitOptions, SubmitResult } from './submit.js';
export { runStatus } from './status.js';
export type { RunStatus, StageStatus, TaskStatus, TaskPhase } from './status.js';
export { resubmitRun } from './resubmit.js';
export type { ResubmitCause, ResubmitResult } from './resubmit.js';
export { localCpus, planLocalRun, runLocal } from './local.js';
export type { LocalRunOptions, LocalRunPlan, LocalRunResult, LocalStageResult, LocalTaskEnd } from './local.js';
export { EXECUTORS, executorFor } from './executor.js';
export type { CancelResult, Executor, ExecutorName, LocalExecutor, SlurmExecutor } from './executor.js';
export { STAGE_DEFAULTS, normalizeStages, normalizeResources } from './options.js';
export { readClusterLimits, queryJobStates } from './slurm-commands.js';
export { renderSacctTime } from './sacct-time.js';
