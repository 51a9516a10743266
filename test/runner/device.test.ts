import { describe, expect, test } from 'vitest';
import { chooseThreads, detectGpu } from '../../src/runner/device.js';

const noDevice = () => false;

describe('detectGpu', () => {
  test.each([
    ['nothing set', {}, false],
    ['CUDA_VISIBLE_DEVICES=0', { CUDA_VISIBLE_DEVICES: '0' }, true],
    ['CUDA_VISIBLE_DEVICES=NoDevFiles (SLURM without GPUs)', { CUDA_VISIBLE_DEVICES: 'NoDevFiles' }, false],
    ['CUDA_VISIBLE_DEVICES=-1', { CUDA_VISIBLE_DEVICES: '-1' }, false],
    ['CUDA_VISIBLE_DEVICES empty', { CUDA_VISIBLE_DEVICES: '' }, false],
    ['SLURM_JOB_GPUS', { SLURM_JOB_GPUS: '1' }, true],
  ])('%s', (_name, env, visible) => {
    expect(detectGpu(env as NodeJS.ProcessEnv, noDevice).isVisible).toBe(visible);
  });

  test('a device file counts as evidence', () => {
    expect(detectGpu({}, (p) => p === '/dev/nvidia0')).toEqual({ isVisible: true, evidence: ['/dev/nvidia0 exists'] });
  });
});

describe('chooseThreads', () => {
  test('--threads wins over SLURM, SLURM over the machine', () => {
    expect(chooseThreads(3, { SLURM_CPUS_PER_TASK: '8' }, 16)).toEqual({ threads: 3, source: '--threads' });
    expect(chooseThreads(undefined, { SLURM_CPUS_PER_TASK: '8' }, 16)).toEqual({ threads: 8, source: 'SLURM_CPUS_PER_TASK' });
    expect(chooseThreads(undefined, {}, 16)).toEqual({ threads: 16, source: 'cores of this machine' });
  });
});
