// Data types of models: the model card (JSON beside the .onnx) and what inspection reports.

export const MODEL_CARD_VERSION = 1;

/** A patch classifier's output: one score per class. */
export interface ClassifierOutput {
  name: string;
  /** `logits` get a softmax in the wrapper; `probabilities` are used as they are. */
  kind: 'logits' | 'probabilities';
  /** Index of the positive (e.g. tumour) class along the output's last axis. */
  positiveIndex: number;
  labels: string[];
}

/** How a token output [N, T, D] becomes [N, D] in the graph: class token (token 0), mean of the patch tokens 1..T-1, or none ([N, D] already). */
export type FeaturesPooling = 'cls' | 'mean' | 'none';

/** An embedding model's output: D features per patch (no softmax). */
export interface FeaturesOutput {
  name: string;
  kind: 'features';
  /** Embedding size D. */
  dim: number;
  /** @default none */
  pooling?: FeaturesPooling;
}

export interface ModelCard {
  schemaVersion: typeof MODEL_CARD_VERSION;
  name: string;
  description?: string;
  input: {
    /** Graph input name. */
    name: string;
    /** Tensor layout the graph expects: NCHW (PyTorch) or NHWC (TensorFlow). */
    layout: 'NCHW' | 'NHWC';
    /** Element type of the graph input; `float16` models get a Cast in the front graph. @default float32 */
    dtype: 'float32' | 'float16';
  };
  /** Patch edge in pixels and µm/px the model was trained at. */
  patchSizePx: number;
  mpp: number | null;
  /** Applied as ((pixel / 255) - mean) / std per channel (RGB order). */
  normalization: { mean: [number, number, number]; std: [number, number, number] };
  output: ClassifierOutput | FeaturesOutput;
  /** True when the graph is fully convolutional (dense inference, see the study issue). */
  isFullyConvolutional?: boolean;
  /**
   * Whether `infer --method auto` may run this model densely over windows (head turned into a 1x1
   * convolution, shift-and-stitch; src/model/dense), and the network's total stride in input pixels
   * when the owner states it (checked against the converted graph).
   */
  dense?: { allowed: boolean; totalStride?: number };
  /** Free-form training provenance: data, held-out metrics. */
  training?: Record<string, unknown>;
}

export type FeaturesCard = ModelCard & { output: FeaturesOutput };
export type ClassifierCard = ModelCard & { output: ClassifierOutput };

export function isFeaturesCard(card: ModelCard): card is FeaturesCard {
  return card.output.kind === 'features';
}
