// Finds the classifier head of a patch model, walking back from the graph output:
// [Softmax] ← Gemm | Add(MatMul) ← Flatten | Reshape ← GlobalAveragePool | ReduceMean(H,W) | AveragePool,
// or ReduceMean(keepdims=0) straight into the classifier. Returns its nodes and weights; pure.
import type onnxProto from 'onnx-proto';
import { WsiHpcError } from '../../errors.js';
import { dimsOf, floatAttr, intAttr, intsAttr, readFloats, readInts } from './onnx-values.js';

type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;

export const SUPPORTED_HEADS =
  'GlobalAveragePool | ReduceMean over H,W | AveragePool over the whole map, then Flatten | Reshape to [N, C], then Gemm | MatMul+Add, optionally then Softmax';

export interface ClassifierHead {
  /** Nodes to remove, in graph order. */
  nodes: Set<Node>;
  /** The feature map the pooling reads. */
  featureName: string;
  pool: Node;
  /** Classifier as a 1x1 convolution: weights [classes][C] row-major and bias [classes]. */
  weights: Float32Array;
  bias: Float32Array;
  classes: number;
  channels: number;
  /** e.g. "GlobalAveragePool → Flatten → Gemm". */
  description: string;
}

interface GraphIndex {
  producer: Map<string, Node>;
  consumers: Map<string, Node[]>;
  constants: Map<string, Tensor>;
}

/** Producers, consumers and constant values (initializers and Constant nodes) by tensor name. */
export function indexGraph(graph: onnxProto.onnx.IGraphProto): GraphIndex {
  const producer = new Map<string, Node>();
  const consumers = new Map<string, Node[]>();
  const constants = new Map<string, Tensor>();
  for (const t of graph.initializer ?? []) if (t.name) constants.set(t.name, t);
  for (const node of graph.node ?? []) {
    for (const out of node.output ?? []) producer.set(out, node);
    for (const inp of node.input ?? []) consumers.set(inp, [...(consumers.get(inp) ?? []), node]);
    const value = (node.attribute ?? []).find((a) => a.name === 'value')?.t;
    if (node.opType === 'Constant' && value && node.output?.[0]) constants.set(node.output[0], value);
  }
  return { producer, consumers, constants };
}

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

// Axes of a ReduceMean: the `axes` attribute (opset < 18) or its second input (opset 18).
function reduceAxes(node: Node, g: GraphIndex): number[] | null {
  const fromAttr = intsAttr(node, 'axes');
  if (fromAttr) return fromAttr;
  const t = g.constants.get(node.input?.[1] ?? '');
  return t ? readInts(t) : null;
}

function isSpatialMean(node: Node | undefined, g: GraphIndex): boolean {
  if (!node) return false;
  if (node.opType === 'GlobalAveragePool' || node.opType === 'AveragePool') return true;
  const axes = reduceAxes(node, g);
  return (
    node.opType === 'ReduceMean' &&
    axes !== null &&
    [...axes]
      .map((a) => (a < 0 ? a + 4 : a))
      .sort()
      .join() === '2,3'
  );
}

/** The head of `graph` ending in `outputName`, or MODEL_INVALID saying what was found instead. */
export function findHead(graph: onnxProto.onnx.IGraphProto, outputName: string, file: string): ClassifierHead {
  const g = indexGraph(graph);
  const chain: string[] = [];
  const fail = (why: string): never => {
    throw new WsiHpcError(
      'MODEL_INVALID',
      `${file}: cannot convert to dense: ${why} (found ${chain.reverse().join(' → ') || 'nothing'} before output \`${outputName}\`); supported heads: ${SUPPORTED_HEADS}`,
      {
        file,
        hint: 'Export the model with a global-average-pool head, or mark a model that already outputs a score map with "isFullyConvolutional": true in its card',
      },
    );
  };
  const nodes = new Set<Node>();
  const take = (name: string): Node | undefined => {
    const node = g.producer.get(name);
    if (node) chain.push(node.opType ?? '?');
    if (node && nodes.size > 0 && (g.consumers.get(name) ?? []).length !== 1) fail(`\`${name}\` is used outside the head`);
    if (node) nodes.add(node);
    return node;
  };
  let node = take(outputName);
  if (node?.opType === 'Softmax') node = take(node.input?.[0] ?? '');
  let features: string;
  let weights: Float32Array | null = null;
  let bias: Float32Array | null = null;
  let classes = 0;
  let channels = 0;
  if (node?.opType === 'Gemm') {
    if (intAttr(node, 'transA', 0) !== 0) fail('Gemm with transA=1');
    const w = g.constants.get(node.input?.[1] ?? '');
    const values = w ? readFloats(w) : null;
    if (!w || !values || dimsOf(w).length !== 2) return fail('Gemm weights are not a float [C, classes] initializer');
    const [d0, d1] = dimsOf(w);
    const isTransposed = intAttr(node, 'transB', 0) === 1;
    [classes, channels] = isTransposed ? [d0, d1] : [d1, d0];
    weights = (isTransposed ? values : transpose(values, d0, d1)).map((v) => v * floatAttr(node as Node, 'alpha', 1));
    const c = g.constants.get(node.input?.[2] ?? '');
    bias = c ? (readFloats(c)?.map((v) => v * floatAttr(node as Node, 'beta', 1)) ?? null) : new Float32Array(classes);
    features = node.input?.[0] ?? '';
  } else if (node?.opType === 'Add') {
    const [a, b] = node.input ?? [];
    const matmulName = g.producer.get(a)?.opType === 'MatMul' ? a : b;
    const biasTensor = g.constants.get(matmulName === a ? b : a);
    const matmul = take(matmulName);
    const w = matmul?.opType === 'MatMul' ? g.constants.get(matmul.input?.[1] ?? '') : undefined;
    const values = w ? readFloats(w) : null;
    if (!matmul || !w || !values || dimsOf(w).length !== 2 || !biasTensor)
      return fail('Add is not MatMul(features, float initializer) + bias');
    [channels, classes] = dimsOf(w);
    weights = transpose(values, channels, classes);
    bias = readFloats(biasTensor);
    features = matmul.input?.[0] ?? '';
  } else {
    return fail(`the output is produced by ${node?.opType ?? 'no node'}, not by a Gemm or MatMul+Add classifier`);
  }
  if (!bias || (bias.length !== classes && bias.length !== 1))
    return fail(`classifier bias has ${bias?.length ?? 0} values for ${classes} classes`);
  if (bias.length === 1) bias = new Float32Array(classes).fill(bias[0]);
  let pool = take(features);
  if (pool && (pool.opType === 'Flatten' || pool.opType === 'Reshape')) {
    if (pool.opType === 'Flatten' && intAttr(pool, 'axis', 1) !== 1) fail('Flatten with axis other than 1');
    const shape = pool.opType === 'Reshape' ? readInts(g.constants.get(pool.input?.[1] ?? '') ?? {}) : [0, channels];
    if (shape?.length !== 2 || !(shape[1] === channels || shape[1] === -1)) fail('Reshape to a shape other than [N, C]');
    pool = take(pool.input?.[0] ?? '');
  } else if (pool?.opType === 'ReduceMean' && intAttr(pool, 'keepdims', 1) === 1) {
    fail('ReduceMean keeps its dims but no Flatten or Reshape follows');
  }
  if (!pool || !isSpatialMean(pool, g)) return fail('the classifier does not read a global average of the last feature map');
  return {
    nodes,
    featureName: pool.input?.[0] ?? '',
    pool,
    weights,
    bias,
    classes,
    channels,
    description: [...chain].reverse().join(' → '),
  };
}
