// Which GPUs this process can see: the variables SLURM and CUDA set, the /dev/nvidia* device files, and
// `nvidia-smi -L` when it is installed. The visibility rule itself is runner/device.ts's detectGpu.
import { existsSync, readdirSync } from 'node:fs';
import { detectGpu, type GpuVisibility } from '../runner/device.js';
import { runTool } from './run-tool.js';
import type { CheckResult } from './types.js';

/** The /dev/nvidiaN files of this node (not nvidiactl or nvidia-uvm: those exist without a usable GPU). */
function nvidiaDeviceFiles(): string[] {
  try {
    return readdirSync('/dev')
      .filter((n) => /^nvidia\d+$/.test(n))
      .map((n) => `/dev/${n}`);
  } catch {
    // /dev unreadable (unusual containers): the environment variables still tell.
    return [];
  }
}

export interface GpuFinding {
  gpu: GpuVisibility;
  /** `nvidia-smi -L` lines, or null when nvidia-smi is not installed or failed. */
  nvidiaSmi: string[] | null;
}

export async function findGpus(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<GpuFinding> {
  const files = nvidiaDeviceFiles();
  const gpu = detectGpu(env, (p) => files.includes(p) || existsSync(p));
  for (const f of files) if (f !== '/dev/nvidia0') gpu.evidence.push(`${f} exists`);
  const smi = await runTool('nvidia-smi', ['-L'], timeoutMs, env);
  const nvidiaSmi = smi.exitCode === 0 ? smi.stdout.split('\n').filter((l) => l.trim()) : null;
  return { gpu, nvidiaSmi };
}

/** The `gpus` check from what findGpus saw: none visible is normal on a login node (absent, not a failure). */
export function classifyGpus({ gpu, nvidiaSmi }: GpuFinding): CheckResult {
  const data = { isVisible: gpu.isVisible, evidence: gpu.evidence, nvidiaSmi };
  if (!gpu.isVisible)
    return {
      id: 'gpus',
      status: 'absent',
      finding: `no GPU visible${gpu.evidence.length ? ` (${gpu.evidence.join(', ')})` : ' (no CUDA_VISIBLE_DEVICES, SLURM GPU variables or /dev/nvidia*)'}`,
      detail: 'infer runs on CPU here. Login nodes usually have no GPU: GPUs appear inside a job that asks for them.',
      fix: 'Check a GPU node from inside a job: `srun --gres=gpu:1 wsi-hpc doctor` (and give infer --gres gpu:1).',
      data,
    };
  return {
    id: 'gpus',
    status: 'ok',
    finding: `GPU visible: ${gpu.evidence.join(', ')}${nvidiaSmi ? `; nvidia-smi lists ${nvidiaSmi.length}` : ''}`,
    data,
  };
}
