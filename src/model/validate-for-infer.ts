// Refuses, before any shard is read, a model that would give wrong numbers: everything `model inspect`
// flags (card vs graph), then one run of the wrapped model on a small probe batch to see what it really
// returns. Probe patches and the output checks live in probe-model.ts; the session used for shards is the runner's.
import { dirname, resolve } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { cardPathFor } from './card.js';
import { checkExternalData, type ExternalRef } from './external-data.js';
import { inspectModel } from './inspect.js';
import { checkProbeOutput, probeFeeds, probeNames } from './probe-model.js';
import type { ModelCard } from './types.js';
import { wrapModel } from './wrap.js';

export interface ValidateForInferOptions {
  /** The .onnx file, named in every error. */
  file: string;
  /** The model card's file. @default the .json beside `file` */
  cardFile?: string;
  bytes: Uint8Array;
  card: ModelCard;
  /** Wrap with stain normalization, as infer will. @default false */
  hasStainNorm?: boolean;
  /** Folder the model's external data is relative to. @default the folder of `file` */
  externalDataDir?: string;
}

function hintFor(file: string, cardFile: string): string {
  return `Fix the card (docs/MODELS.md) or re-export the model; \`wsi-hpc model inspect ${file} --card ${cardFile}\` shows both side by side`;
}

/**
 * Throws MODEL_MISMATCH or MODEL_INVALID (naming the model and card files) unless `infer` can trust the model's output.
 * Returns the external-data references it checked (empty for a self-contained model).
 */
export async function validateModelForInfer(o: ValidateForInferOptions): Promise<{ externalData: ExternalRef[] }> {
  const cardFile = o.cardFile ?? cardPathFor(o.file);
  const inspection = inspectModel(o.bytes, o.card, o.file);
  if (inspection.disagreements.length > 0) {
    throw new WsiHpcError(
      'MODEL_MISMATCH',
      `${o.file}: the model does not match its card ${cardFile}:\n  - ${inspection.disagreements.join('\n  - ')}`,
      { file: o.file, hint: hintFor(o.file, cardFile) },
    );
  }
  const wrapped = wrapModel(o.bytes, o.card, o.file, { hasStainNorm: o.hasStainNorm });
  const externalDataDir = o.externalDataDir ?? dirname(resolve(o.file));
  await checkExternalData(wrapped.externalData, o.file, externalDataDir);
  const batchDim = inspection.inputs.find((i) => i.name === o.card.input.name)?.shape[0];
  const n = typeof batchDim === 'number' && batchDim > 0 ? batchDim : probeNames.length;
  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  // ONNX Runtime fixes its process-wide log level at the first session; this probe is now first, and the
  // runner's CUDA attempt relies on `fatal` to keep ORT's own failure dump off stderr (our warning says it).
  const level = ort.env.logLevel;
  ort.env.logLevel = 'fatal';
  try {
    session = await ort.InferenceSession.create(wrapped.bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      // A session from bytes finds external data only through this entry (see runner/session.ts externalDataOptions).
      ...(wrapped.externalData.length > 0 ? { extra: { session: { model_external_initializers_file_folder_path: externalDataDir } } } : {}),
    });
  } catch (err) {
    throw new WsiHpcError('MODEL_INVALID', `${o.file}: ONNX Runtime could not load the model: ${(err as Error).message}`, {
      file: o.file,
      cause: err,
      hint: 'The file decodes as ONNX but ONNX Runtime refuses it: check its opset and operators are supported, or re-export it',
    });
  } finally {
    ort.env.logLevel = level;
  }
  try {
    const feeds = probeFeeds(o.card.patchSizePx, n, o.hasStainNorm ?? false);
    let result: Awaited<ReturnType<typeof session.run>>;
    try {
      result = await session.run({
        [wrapped.inputName]: new ort.Tensor('uint8', feeds.patches, [n, o.card.patchSizePx, o.card.patchSizePx, 3]),
        ...(feeds.stain ? { [feeds.stainName]: new ort.Tensor('float32', feeds.stain, [n, 3, 3]) } : {}),
      });
    } catch (err) {
      throw new WsiHpcError(
        'MODEL_INVALID',
        `${o.file}: the model fails on ${n} probe patches of ${o.card.patchSizePx}x${o.card.patchSizePx} px (${(err as Error).message})`,
        { file: o.file, cause: err, hint: hintFor(o.file, cardFile) },
      );
    }
    const out = result[wrapped.outputName];
    const problems = checkProbeOutput(o.card, out.dims.map(Number), out.data as Float32Array, n);
    if (problems.length > 0) {
      throw new WsiHpcError(
        'MODEL_MISMATCH',
        `${o.file}: on ${n} probe patches the model's output disagrees with its card ${cardFile}:\n  - ${problems.join('\n  - ')}`,
        {
          file: o.file,
          hint: hintFor(o.file, cardFile),
        },
      );
    }
  } finally {
    await session.release();
  }
  return { externalData: wrapped.externalData };
}
