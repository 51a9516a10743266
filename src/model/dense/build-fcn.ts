// A small seeded CNN (total stride 32) for testing dense inference: 'valid' padding makes it
// exactly translation-equivariant, so dense and sliding-window heatmaps agree to float rounding;
// 'same' padding shows the patch-border effect of zero padding. Several head variants, one unsupported.
import { DT, GraphBuilder, encodeModel, valueInfo } from '../onnx-builder.js';
import type { ModelCard } from '../types.js';
import { zooCard } from '../zoo/index.js';

export type FcnHead = 'gap-gemm' | 'reducemean-matmul' | 'avgpool-reshape-gemm-softmax' | 'flatten-gemm';

export interface FcnOptions {
  /** Zero padding of the convolutions: none, or floor(kernel / 2). @default 'valid' */
  padding?: 'valid' | 'same';
  /** Classifier head; 'flatten-gemm' (no pooling) is the one convertToDense refuses. @default 'gap-gemm' */
  head?: FcnHead;
  /** Weight seed. @default 1 */
  seed?: number;
  /** @default 2 */
  classes?: number;
}

export interface FcnModel {
  bytes: Uint8Array;
  card: ModelCard;
  /** Edge of the last feature map for a 224 px patch (6 valid, 7 same). */
  featureEdge: number;
}

const PATCH = 224;

/** Layers: [op, out channels, kernel, stride]; edges 224 → 111 → 55 → 27 → 13 → 6 valid, → 7 same. */
const LAYERS: ['conv' | 'pool', number, number, number][] = [
  ['conv', 16, 3, 2],
  ['conv', 32, 3, 2],
  ['pool', 32, 2, 2],
  ['conv', 48, 3, 2],
  ['conv', 64, 3, 2],
];

export function buildFcn(options: FcnOptions = {}): FcnModel {
  const { padding = 'valid', head = 'gap-gemm', seed = 1, classes = 2 } = options;
  let state = seed >>> 0 || 1;
  // xorshift32 uniform in [-1, 1): deterministic weights without the zoo's internals.
  const uniform = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 31 - 1;
  };
  const weights = (count: number, fanIn: number): Float32Array =>
    Float32Array.from({ length: count }, () => uniform() * Math.sqrt(6 / fanIn));
  const g = new GraphBuilder();
  let x = 'input';
  let channels = 3;
  let edge = PATCH;
  const conv = (out: number, k: number, stride: number, pad: number): void => {
    const w = g.constFloat([out, channels, k, k], weights(out * channels * k * k, channels * k * k), 'w');
    const b = g.constFloat(
      [out],
      Float32Array.from({ length: out }, () => 0.05 * uniform()),
      'b',
    );
    x = g.op('Relu', [g.op('Conv', [x, w, b], { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] })]);
    channels = out;
    edge = Math.floor((edge + 2 * pad - k) / stride) + 1;
  };
  for (const [op, out, k, stride] of LAYERS) {
    if (op === 'pool') {
      x = g.op('MaxPool', [x], { kernel_shape: [k, k], strides: [stride, stride] });
      edge = Math.floor((edge - k) / stride) + 1;
    } else conv(out, k, stride, padding === 'same' ? Math.floor(k / 2) : 0);
  }
  // Two 1x1 branches joined on channels (inception-style), to exercise Concat.
  const input = x;
  const inChannels = channels;
  conv(32, 1, 1, 0);
  const left = x;
  [x, channels] = [input, inChannels];
  conv(32, 1, 1, 0);
  x = g.op('Concat', [left, x], { axis: 1 });
  channels = 64;
  const fc = weights(classes * channels, channels).map((v) => v * 0.5);
  const fcBias = Float32Array.from({ length: classes }, (_, i) => 0.1 * (i - 0.5));
  let kind: 'logits' | 'probabilities' = 'logits';
  if (head === 'gap-gemm') {
    const flat = g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: 1 });
    g.op('Gemm', [flat, g.constFloat([classes, channels], fc), g.constFloat([classes], fcBias)], { transB: 1 }, ['logits']);
  } else if (head === 'reducemean-matmul') {
    const mean = g.op('ReduceMean', [x], { axes: [-2, -1], keepdims: 0 });
    const wT = Float32Array.from({ length: classes * channels }, (_, i) => fc[(i % classes) * channels + Math.floor(i / classes)]);
    g.op('Add', [g.op('MatMul', [mean, g.constFloat([channels, classes], wT)]), g.constFloat([classes], fcBias)], {}, ['logits']);
  } else if (head === 'avgpool-reshape-gemm-softmax') {
    const flat = g.op('Reshape', [g.op('AveragePool', [x], { kernel_shape: [edge, edge] }), g.constInt64([2], [0, -1])]);
    const wT = Float32Array.from({ length: classes * channels }, (_, i) => 2 * fc[(i % classes) * channels + Math.floor(i / classes)]);
    const logits = g.op('Gemm', [flat, g.constFloat([channels, classes], wT), g.constFloat([classes], fcBias)], { alpha: 0.5 });
    g.op('Softmax', [logits], { axis: 1 }, ['logits']);
    kind = 'probabilities';
  } else {
    const flat = g.op('Flatten', [x], { axis: 1 });
    const size = channels * edge * edge;
    g.op('Gemm', [flat, g.constFloat([classes, size], weights(classes * size, size)), g.constFloat([classes], fcBias)], { transB: 1 }, [
      'logits',
    ]);
  }
  const base = zooCard(
    `fcn-${padding}`,
    `Test CNN, ${padding} padding, ${head} head, seed ${seed}: for dense-inference tests only.`,
    {},
    classes,
  );
  const card: ModelCard = { ...base, output: { ...base.output, kind } };
  const bytes = encodeModel({
    graphName: `fcn_${padding}`,
    builder: g,
    inputs: [valueInfo('input', DT.FLOAT, ['N', 3, PATCH, PATCH])],
    outputs: [valueInfo('logits', DT.FLOAT, ['N', classes])],
    docString: card.description,
  });
  return { bytes, card, featureEdge: edge };
}
