// Chooses the execution provider for a task and says why: CUDA when a GPU is visible and the
// CUDA provider loads, otherwise CPU with intra-op threads from SLURM's allocation.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export type DeviceRequest = 'auto' | 'cpu' | 'cuda';

export interface GpuVisibility {
  isVisible: boolean;
  /** What made us think so, e.g. "CUDA_VISIBLE_DEVICES=0". */
  evidence: string[];
}

/** GPU visibility from the environment and device files, without loading any GPU library. */
export function detectGpu(env: NodeJS.ProcessEnv, hasDeviceFile: (p: string) => boolean = existsSync): GpuVisibility {
  const evidence: string[] = [];
  const cvd = env.CUDA_VISIBLE_DEVICES;
  if (cvd !== undefined) {
    // SLURM sets NoDevFiles when a job asked for no GPUs; -1 or empty hides every GPU.
    if (cvd === '' || cvd === '-1' || cvd === 'NoDevFiles')
      return { isVisible: false, evidence: [`CUDA_VISIBLE_DEVICES=${cvd} hides all GPUs`] };
    evidence.push(`CUDA_VISIBLE_DEVICES=${cvd}`);
  }
  for (const key of ['SLURM_STEP_GPUS', 'SLURM_JOB_GPUS', 'GPU_DEVICE_ORDINAL']) {
    if (env[key]) evidence.push(`${key}=${env[key]}`);
  }
  if (hasDeviceFile('/dev/nvidia0')) evidence.push('/dev/nvidia0 exists');
  return { isVisible: evidence.length > 0, evidence };
}

export interface ThreadChoice {
  threads: number;
  source: string;
  /** Set when the request was capped to the cores of this machine. */
  warning?: string;
}

/**
 * Intra-op threads: --threads, else SLURM_CPUS_PER_TASK, else the machine's cores. More threads than
 * cores only slow inference down (and ONNX Runtime allocates per thread: 1,000,000 hung at 7.6 GB),
 * so a request beyond `cores` is capped with a warning.
 */
export function chooseThreads(explicit: number | undefined, env: NodeJS.ProcessEnv, cores = availableParallelism()): ThreadChoice {
  const slurm = Number(env.SLURM_CPUS_PER_TASK);
  const wanted =
    explicit !== undefined
      ? { threads: explicit, source: '--threads' }
      : Number.isInteger(slurm) && slurm > 0
        ? { threads: slurm, source: 'SLURM_CPUS_PER_TASK' }
        : { threads: cores, source: 'cores of this machine' };
  if (wanted.threads <= cores) return wanted;
  return {
    threads: cores,
    source: `${wanted.source} capped to the cores of this machine`,
    warning: `${wanted.source} asks for ${wanted.threads} threads but this machine has ${cores} cores; using ${cores}`,
  };
}

export const CUDA_FIX_HINT = [
  "onnxruntime-node was installed without its CUDA libraries (this project's .npmrc skips their download for offline machines).",
  'On a GPU cluster, on a node that can reach api.nuget.org (or see README "GPU clusters" to mirror it), run',
  '  ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node',
  '(the environment overrides .npmrc; no tracked file changes) and make CUDA 12 and cuDNN 9 visible to the job',
  '(e.g. `module load cuda/12 cudnn/9`).',
].join('\n');
