// The GPUs a task may use, as the values each per-GPU child process gets in CUDA_VISIBLE_DEVICES:
// the entries of CUDA_VISIBLE_DEVICES (indices, GPU-/MIG- UUIDs), else SLURM's GPU lists (physical
// indices), else one per /dev/nvidiaN file. Reads the environment and /dev only.
import { readdirSync } from 'node:fs';

const HIDDEN = new Set(['', '-1', 'NoDevFiles']);

function listDevNvidia(): string[] {
  try {
    return readdirSync('/dev').filter((f) => /^nvidia\d+$/.test(f));
  } catch {
    return [];
  }
}

const split = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Visible GPUs in the order CUDA numbers them for this process; [] when none is visible. */
export function visibleGpuIds(env: NodeJS.ProcessEnv, devFiles: () => string[] = listDevNvidia): string[] {
  const cvd = env.CUDA_VISIBLE_DEVICES;
  if (cvd !== undefined) return HIDDEN.has(cvd.trim()) ? [] : split(cvd);
  for (const key of ['SLURM_STEP_GPUS', 'SLURM_JOB_GPUS', 'GPU_DEVICE_ORDINAL']) {
    const v = env[key];
    if (v && !HIDDEN.has(v.trim())) return split(v);
  }
  return devFiles()
    .map((f) => Number(f.slice('nvidia'.length)))
    .sort((a, b) => a - b)
    .map(String);
}
