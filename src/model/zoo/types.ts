// Data types of the model zoo: what a builder returns and the options every benchmark net takes.
import type { ClassifierCard, ModelCard } from '../types.js';

/** A generated model: ONNX bytes, its card and its cost. */
export interface ZooModel<C extends ModelCard = ClassifierCard> {
  bytes: Uint8Array;
  card: C;
  /** Floating-point operations per image, counted as 2 x multiply-accumulates of Conv and Gemm. */
  flopsPerImage: number;
  /** Multiply-accumulates per image (what papers usually quote as "FLOPs"). */
  macsPerImage: number;
  /** Trainable parameters (weights + biases; BatchNorm folded into conv biases). */
  params: number;
}

export interface BenchmarkNetOptions {
  /** PRNG seed for the He-normal weights; the same seed gives identical bytes. @default 1 */
  seed?: number;
  /** Output classes; 2 is [normal, tumour], 1000 reproduces the ImageNet head for comparison. @default 2 */
  classes?: number;
}
