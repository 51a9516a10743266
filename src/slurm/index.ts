// Public entry of the slurm module: pure rendering, quoting, array splitting and output parsing.
export { shellQuote, validateDirectiveValue } from './quote.js';
export { splitArray, splitTasks, renderArraySpec } from './split-array.js';
export { renderSbatch, renderDirectives, hasGpu } from './render-sbatch.js';
export type { RenderInput } from './render-sbatch.js';
export { parseSbatch, parseConfig, parseSacct, parseSqueue, parseScontrolJobs, expandIndices, isAccountingDisabled } from './parse.js';
export { STAGES } from './types.js';
export type {
  Stage,
  ClusterLimits,
  ArrayChunk,
  StageResources,
  SubmittedJob,
  JobsFile,
  TaskState,
  WaveJob,
  PlannedWave,
  WavesRecord,
} from './types.js';
export {
  CONTAINER_RUNTIMES,
  containerBinds,
  gresHasGpu,
  isImageReference,
  renderContainerCommand,
  renderRuntimeSelection,
} from './container.js';
export type { BindRequest, ContainerRuntime, ContainerSpec } from './container.js';
export { planWaves, waveBudget, waveMargin } from './waves.js';
export type { WaveGroup, WavePlanInput } from './waves.js';
export { renderHostJob, renderWaveDriver, type HostJobInput } from './render-wave-driver.js';
export type { WaveDriverInput } from './render-wave-driver.js';
