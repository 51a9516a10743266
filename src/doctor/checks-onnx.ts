// ONNX Runtime: a real CPU session on a tiny generated model (proves inference works here), and whether
// the CUDA provider could be used and why not. The provider lookup and fix text are runner/'s.
import { DT, GraphBuilder, encodeModel, valueInfo } from '../model/index.js';
import { CUDA_PROVIDER_LIBRARY, describeCudaProvider, findCudaProvider } from '../runner/cuda-libraries.js';
import { CUDA_FIX_HINT } from '../runner/device.js';
import type { GpuVisibility } from '../runner/device.js';
import type { CheckResult } from './types.js';

// y = x + 1 on a [1, 4] float tensor: the smallest graph whose output proves the session really ran.
function tinyModel(): Uint8Array {
  const b = new GraphBuilder();
  b.op('Add', ['x', b.constFloat([1], [1])], {}, ['y']);
  return encodeModel({
    graphName: 'doctor',
    builder: b,
    inputs: [valueInfo('x', DT.FLOAT, [1, 4])],
    outputs: [valueInfo('y', DT.FLOAT, [1, 4])],
  });
}

/** Opens a CPU session and runs it once; fail when either does not work. */
export async function checkOrtCpu(): Promise<CheckResult> {
  const fix = 'Run `npm ci` again on this machine type (onnxruntime-node ships its CPU library in the package).';
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (err) {
    return {
      id: 'ort-cpu',
      status: 'fail',
      finding: `onnxruntime-node could not be loaded: ${(err as Error).message.split('\n')[0]}`,
      detail: 'infer cannot run any model.',
      fix,
    };
  }
  const version = ort.env.versions.common ?? null;
  try {
    const session = await ort.InferenceSession.create(tinyModel(), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([0, 1, 2, 3]), [1, 4]) });
    const y = Array.from(out.y.data as Float32Array);
    await session.release();
    if (y.join(',') !== '1,2,3,4') throw new Error(`the test model returned [${y.join(', ')}] instead of [1, 2, 3, 4]`);
    return {
      id: 'ort-cpu',
      status: 'ok',
      finding: `ONNX Runtime ${version}: a CPU session opened and ran a test model`,
      data: { version },
    };
  } catch (err) {
    return {
      id: 'ort-cpu',
      status: 'fail',
      finding: `ONNX Runtime ${version} could not run a test model on CPU: ${(err as Error).message.split('\n')[0]}`,
      detail: 'infer cannot run any model.',
      fix,
      data: { version },
    };
  }
}

export interface CudaFinding {
  /** findCudaProvider(): null off linux or when onnxruntime-node is missing. */
  provider: { dir: string; isPresent: boolean } | null;
  gpu: GpuVisibility;
  /** Why a CUDA session failed; null when it opened; undefined when not tried (no provider library or no GPU). */
  sessionError?: string | null;
}

/** The `ort-cuda` check from what was found (pure: the GPU-visible branches are unit-tested without a GPU). */
export function classifyCuda({ provider, gpu, sessionError }: CudaFinding): CheckResult {
  const seen = gpu.isVisible ? `GPU visible (${gpu.evidence.join(', ')})` : 'no GPU visible';
  const data = {
    provider: 'cuda',
    library: CUDA_PROVIDER_LIBRARY,
    dir: provider?.dir ?? null,
    isLibraryPresent: provider?.isPresent ?? false,
  };
  const fallback = '`--device auto` runs inference on CPU (with a warning) and `--device cuda` fails the task (CUDA_UNAVAILABLE).';
  if (!provider)
    return {
      id: 'ort-cuda',
      status: 'absent',
      finding: `CUDA unavailable: onnxruntime-node ships ${CUDA_PROVIDER_LIBRARY} for linux only (this is ${process.platform})`,
      detail: fallback,
      fix: 'Run GPU inference on a Linux node.',
      data,
    };
  if (!provider.isPresent)
    return {
      id: 'ort-cuda',
      status: gpu.isVisible ? 'warn' : 'absent',
      finding: `CUDA unavailable: ${CUDA_PROVIDER_LIBRARY} is missing from ${provider.dir}; ${seen}`,
      detail: gpu.isVisible ? `A GPU is allocated but cannot be used: ${fallback}` : fallback,
      fix: CUDA_FIX_HINT,
      data,
    };
  if (sessionError === undefined)
    return {
      id: 'ort-cuda',
      status: 'absent',
      finding: `${CUDA_PROVIDER_LIBRARY} is installed, but ${seen}: CUDA itself was not tried`,
      detail: fallback,
      fix: 'Check a GPU node from inside a job: `srun --gres=gpu:1 wsi-hpc doctor`.',
      data,
    };
  if (sessionError !== null)
    return {
      id: 'ort-cuda',
      status: 'warn',
      finding: `CUDA unavailable: ${seen} but the CUDA provider could not be used: ${sessionError}`,
      detail: `${describeCudaProvider() ?? ''}. ${fallback}`,
      fix: CUDA_FIX_HINT,
      data,
    };
  return { id: 'ort-cuda', status: 'ok', finding: `CUDA session opened (${seen})`, data };
}

/** Tries a CUDA session only when the provider library is there and a GPU is visible (else nothing to learn). */
export async function checkOrtCuda(gpu: GpuVisibility): Promise<CheckResult> {
  const provider = findCudaProvider();
  if (!provider?.isPresent || !gpu.isVisible) return classifyCuda({ provider, gpu });
  const ort = await import('onnxruntime-node');
  const level = ort.env.logLevel;
  // ONNX Runtime prints its own stack for a failed provider load; the finding says it once.
  ort.env.logLevel = 'fatal';
  try {
    const session = await ort.InferenceSession.create(tinyModel(), { executionProviders: ['cuda'], logSeverityLevel: 4 });
    await session.release();
    return classifyCuda({ provider, gpu, sessionError: null });
  } catch (err) {
    return classifyCuda({ provider, gpu, sessionError: (err as Error).message.split('\n')[0] });
  } finally {
    ort.env.logLevel = level;
  }
}
