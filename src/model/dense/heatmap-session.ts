// ONNX Runtime sessions for heatmaps: the dense model, or the patch model for the sliding-window
// reference. CPU only, with an explicit thread count so core-seconds are comparable.
import type * as Ort from 'onnxruntime-node';
import { OptionError } from '../../errors.js';
import type { ModelCard } from '../types.js';
import type { DenseModel } from './types.js';

export interface HeatmapSessionOptions {
  /** ONNX Runtime intra-op threads. @default 1 */
  intraOpNumThreads?: number;
}

/** A session over a dense model (see convertToDense). */
export interface DenseSession {
  session: Ort.InferenceSession;
  model: DenseModel;
}

/** A session over the original patch model: [N, C, patch, patch] in, [N, classes] out. */
export interface PatchSession {
  session: Ort.InferenceSession;
  card: ModelCard;
}

async function open(bytes: Uint8Array, options: HeatmapSessionOptions): Promise<Ort.InferenceSession> {
  const ort = await import('onnxruntime-node');
  return ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.intraOpNumThreads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
}

export async function createDenseSession(model: DenseModel, options: HeatmapSessionOptions = {}): Promise<DenseSession> {
  return { session: await open(model.bytes, options), model };
}

export async function createPatchSession(
  modelBytes: Uint8Array,
  card: ModelCard,
  options: HeatmapSessionOptions = {},
): Promise<PatchSession> {
  if (card.input.layout !== 'NCHW')
    throw new OptionError(`Expected an NCHW patch model for the sliding-window heatmap, received layout \`${card.input.layout}\``);
  return { session: await open(modelBytes, options), card };
}
