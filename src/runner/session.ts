// Opens one ONNX Runtime session for a task on the chosen device: `auto` falls back from CUDA to CPU
// with a single clear warning that says why and how to fix it; `cuda` fails (CUDA_UNAVAILABLE) instead.
import type * as Ort from 'onnxruntime-node';
import { WsiHpcError } from '../errors.js';
import { describeCudaProvider } from './cuda-libraries.js';
import { CUDA_FIX_HINT, chooseThreads, detectGpu, type DeviceRequest } from './device.js';

const NO_GPU_EVIDENCE = 'no CUDA_VISIBLE_DEVICES, SLURM GPU variables or /dev/nvidia0';

export interface SessionChoice {
  session: Ort.InferenceSession;
  ort: typeof Ort;
  provider: 'cuda' | 'cpu';
  threads: number;
  /** One line saying which provider and why. */
  reason: string;
  /** Set when CUDA was wanted or possible but could not be used, or the threads were capped to the cores. */
  warning: string | null;
}

export interface SessionOptions {
  device: DeviceRequest;
  threads?: number;
  env: NodeJS.ProcessEnv;
  /**
   * Folder that a model's external data (`location` of its initializers) is relative to: the folder of
   * the original .onnx file. Needed because the session is created from the wrapped bytes, not the file.
   */
  externalDataDir?: string;
}

export async function openSession(modelBytes: Uint8Array, o: SessionOptions): Promise<SessionChoice> {
  const ort = await import('onnxruntime-node');
  const { threads, source, warning: threadWarning } = chooseThreads(o.threads, o.env);
  const extra = externalDataOptions(o.externalDataDir);
  const cpuOptions: Ort.InferenceSession.SessionOptions = {
    ...extra,
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  const gpu = detectGpu(o.env);
  let warning: string | null = null;
  if (o.device !== 'cpu' && (gpu.isVisible || o.device === 'cuda')) {
    const level = ort.env.logLevel;
    // ONNX Runtime would print its own stack for the failed load; our warning says it once, clearly.
    ort.env.logLevel = 'fatal';
    try {
      // Actually try: `listSupportedBackends()` marks CUDA `bundled: false` even when its libraries are installed.
      const session = await ort.InferenceSession.create(modelBytes, {
        ...extra,
        executionProviders: ['cuda'],
        graphOptimizationLevel: 'all',
        logSeverityLevel: 4,
      });
      ort.env.logLevel = level;
      return {
        session,
        ort,
        provider: 'cuda',
        threads,
        reason: `CUDA: GPU visible (${gpu.evidence.join(', ') || '--device cuda'})`,
        warning: null,
      };
    } catch (err) {
      ort.env.logLevel = level;
      const seen = gpu.isVisible ? `GPU visible (${gpu.evidence.join(', ')})` : `no GPU visible (${NO_GPU_EVIDENCE})`;
      const library = describeCudaProvider();
      const why = `the CUDA execution provider could not be used: ${(err as Error).message}${library ? ` (${library})` : ''}`;
      // --device cuda asked for a GPU: running on CPU would spend the GPU allocation at CPU speed, so the task fails.
      if (o.device === 'cuda') {
        throw new WsiHpcError('CUDA_UNAVAILABLE', `--device cuda: ${seen} and ${why}`, {
          hint: `${CUDA_FIX_HINT}\nOr run with --device auto (falls back to CPU with a warning) or --device cpu.`,
          cause: err,
        });
      }
      warning = `${seen} but ${why}. Falling back to CPU.\n${CUDA_FIX_HINT}`;
    }
  }
  const session = await ort.InferenceSession.create(modelBytes, cpuOptions);
  // The thread cap is only news when the CPU provider runs (CUDA ignores intra-op threads).
  if (threadWarning) warning = warning ? `${threadWarning}\n${warning}` : threadWarning;
  const why =
    o.device === 'cpu' ? '--device cpu' : warning ? 'CUDA unavailable' : `no GPU visible (${gpu.evidence.join(', ') || NO_GPU_EVIDENCE})`;
  return { session, ort, provider: 'cpu', threads, reason: `CPU with ${threads} intra-op threads (${source}): ${why}`, warning };
}

/** Session options that let a session created from bytes find external data in `dir` (ONNX Runtime's session config entry). */
export function externalDataOptions(dir: string | undefined): Pick<Ort.InferenceSession.SessionOptions, 'extra'> {
  return dir === undefined ? {} : { extra: { session: { model_external_initializers_file_folder_path: dir } } };
}
