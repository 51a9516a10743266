// Data types of models: the model card (JSON beside the .onnx) and what inspection reports.

export const MODEL_CARD_VERSION = 1;

export interface ModelCard {
  schemaVersion: typeof MODEL_CARD_VERSION;
  name: string;
  description?: string;
  input: {
    /** Graph input name. */
    name: string;
    /** Tensor layout the graph expects: NCHW (PyTorch) or NHWC (TensorFlow). */
    layout: 'NCHW' | 'NHWC';
    dtype: 'float32';
  };
  /** Patch edge in pixels and µm/px the model was trained at. */
  patchSizePx: number;
  mpp: number | null;
  /** Applied as ((pixel / 255) - mean) / std per channel (RGB order). */
  normalization: { mean: [number, number, number]; std: [number, number, number] };
  output: {
    name: string;
    /** `logits` get a softmax in the wrapper; `probabilities` are used as they are. */
    kind: 'logits' | 'probabilities';
    /** Index of the positive (e.g. tumour) class along the output's last axis. */
    positiveIndex: number;
    labels: string[];
  };
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
