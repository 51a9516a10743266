// The demo tumour classifier's graph: hand-designed colour and texture features computed inside
// ONNX from the normalized NCHW patch, then (once fitted) a Gemm to 2 logits. Fitting lives in
// fit-logistic.ts; patch sampling in demo-patches.ts.
import { DT, GraphBuilder, encodeModel, valueInfo } from '../onnx-builder.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './zoo-card.js';

const LUMA = [0.299, 0.587, 0.114];
/** Slope of the soft indicators: Sigmoid(SHARPNESS * (linear function of RGB in [0, 1])). */
const SHARPNESS = 20;

/** Soft per-pixel indicators: name, RGB coefficients and offset of the linear function. */
const INDICATORS: [string, [number, number, number], number][] = [
  ['dark', LUMA.map((c) => -c) as [number, number, number], 0.5],
  ['very-dark', LUMA.map((c) => -c) as [number, number, number], 0.3],
  ['purple', [-1, 0, 1], -0.08],
  ['pink', [1, -1, 0], -0.25],
  ['glass', LUMA as [number, number, number], -0.88],
];

/** Feature names in graph order: per-channel means and stds, indicator fractions, texture (Nx: at 1/N resolution). */
export const DEMO_FEATURES: readonly string[] = [
  'mean-r',
  'mean-g',
  'mean-b',
  'std-r',
  'std-g',
  'std-b',
  ...INDICATORS.map(([name]) => `frac-${name}`),
  'laplacian-energy-2x',
  'laplacian-energy-4x',
  'frac-dark-4x',
];

/** A fitted linear head on raw features: logit of tumour = weights · features + bias. */
export interface LinearHead {
  weights: number[];
  bias: number;
}

// Mean over H and W, keeping dims: [N,C,H,W] → [N,C,1,1].
function spatialMean(g: GraphBuilder, x: string): string {
  return g.op('ReduceMean', [x], { axes: [2, 3], keepdims: 1 });
}

// Mean of the squared response of a 3x3 Laplacian over a 1-channel map.
function laplacianEnergy(g: GraphBuilder, lum: string): string {
  const kernel = g.constFloat([1, 1, 3, 3], [0, -1, 0, -1, 4, -1, 0, -1, 0], 'laplacian');
  const edges = g.op('Conv', [lum, kernel], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  return spatialMean(g, g.op('Mul', [edges, edges]));
}

// Appends the feature nodes to `g`, reading `input`; returns the [N, F] feature tensor name.
function addFeatures(g: GraphBuilder): string {
  const std = g.constFloat([1, 3, 1, 1], IMAGENET_STD, 'std');
  const mean = g.constFloat([1, 3, 1, 1], IMAGENET_MEAN, 'mean');
  // Half resolution (1 µm/px) keeps nuclei (9–14 px radius at 0.5 µm/px) and costs a quarter.
  const rgb = g.op('AveragePool', [g.op('Add', [g.op('Mul', ['input', std]), mean])], { kernel_shape: [2, 2], strides: [2, 2] });
  const channelMean = spatialMean(g, rgb);
  const meanSquare = spatialMean(g, g.op('Mul', [rgb, rgb]));
  const variance = g.op('Relu', [g.op('Sub', [meanSquare, g.op('Mul', [channelMean, channelMean])])]);
  const channelStd = g.op('Sqrt', [g.op('Add', [variance, g.constFloat([], [1e-6], 'eps')])]);
  const indicatorW = g.constFloat(
    [INDICATORS.length, 3, 1, 1],
    INDICATORS.flatMap(([, rgbW]) => rgbW.map((v) => v * SHARPNESS)),
    'ind_w',
  );
  const indicatorB = g.constFloat(
    [INDICATORS.length],
    INDICATORS.map(([, , offset]) => offset * SHARPNESS),
    'ind_b',
  );
  const fractions = spatialMean(g, g.op('Sigmoid', [g.op('Conv', [rgb, indicatorW, indicatorB], { kernel_shape: [1, 1] })]));
  const lum = g.op('Conv', [rgb, g.constFloat([1, 3, 1, 1], LUMA, 'luma')], { kernel_shape: [1, 1] });
  const coarse = g.op('AveragePool', [lum], { kernel_shape: [2, 2], strides: [2, 2] });
  const coarseDark = g.op('Sigmoid', [
    g.op('Mul', [g.op('Sub', [g.constFloat([], [0.45], 't'), coarse]), g.constFloat([], [SHARPNESS], 'k')]),
  ]);
  const all = g.op(
    'Concat',
    [channelMean, channelStd, fractions, laplacianEnergy(g, lum), laplacianEnergy(g, coarse), spatialMean(g, coarseDark)],
    { axis: 1 },
  );
  return g.op('Flatten', [all], { axis: 1 });
}

const INPUT = valueInfo('input', DT.FLOAT, ['N', 3, 224, 224]);

/** The feature extractor alone: `input` [N,3,224,224] → `features` [N, DEMO_FEATURES.length]. */
export function buildDemoFeatureGraph(): Uint8Array {
  const g = new GraphBuilder();
  g.op('Identity', [addFeatures(g)], {}, ['features']);
  return encodeModel({
    graphName: 'demo-features',
    builder: g,
    inputs: [INPUT],
    outputs: [valueInfo('features', DT.FLOAT, ['N', DEMO_FEATURES.length])],
  });
}

/**
 * The full classifier: features, then logits [−z/2, z/2] where z = head · features + bias, so that
 * softmax(logits)[1] = sigmoid(z) is the tumour probability.
 */
export function buildDemoClassifierGraph(head: LinearHead, metadata: Record<string, string> = {}): Uint8Array {
  const g = new GraphBuilder();
  const features = addFeatures(g);
  const w = g.constFloat(
    [DEMO_FEATURES.length, 2],
    head.weights.flatMap((v) => [-v / 2, v / 2]),
    'head_w',
  );
  const b = g.constFloat([2], [-head.bias / 2, head.bias / 2], 'head_b');
  g.op('Gemm', [features, w, b], {}, ['logits']);
  return encodeModel({
    graphName: 'demo-tumour',
    builder: g,
    inputs: [INPUT],
    outputs: [valueInfo('logits', DT.FLOAT, ['N', 2])],
    docString: 'Demo tumour classifier for synthetic H&E slides: colour/texture features + logistic regression.',
    metadata: { 'wsi-hpc.zoo': 'demo-tumour', ...metadata },
  });
}
