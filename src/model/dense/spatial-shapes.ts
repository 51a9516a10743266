// Walks the convolutional body of an NCHW graph for one patch: channels, height, width and the
// cumulative stride of every feature map, and refuses any op that would break dense equivalence
// (size-dependent padding, ceil mode, statistics over H and W). Pure; the head lives in find-head.ts.
import type onnxProto from 'onnx-proto';
import { WsiHpcError } from '../../errors.js';
import { dimsOf, intAttr, intsAttr, stringAttr } from './onnx-values.js';

type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;

/** A feature map for one patch: channels (null when unknown), edges in cells, and stride in input pixels (x, y). */
export interface SpatialShape {
  channels: number | null;
  height: number;
  width: number;
  strideX: number;
  strideY: number;
}

/** Pointwise ops: output has its (first spatial) input's shape. */
const POINTWISE = new Set([
  'Relu',
  'LeakyRelu',
  'PRelu',
  'Sigmoid',
  'Tanh',
  'Clip',
  'BatchNormalization',
  'Identity',
  'Dropout',
  'Elu',
  'Selu',
  'HardSigmoid',
  'HardSwish',
  'Softplus',
  'Softsign',
  'Erf',
  'Gelu',
  'Mish',
  'Cast',
  'Neg',
  'Abs',
  'Sqrt',
  'Exp',
  'Log',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Sum',
  'Max',
  'Min',
  'Pow',
]);

function fail(file: string, message: string): never {
  throw new WsiHpcError('MODEL_INVALID', `${file}: cannot convert to dense: ${message}`, {
    file,
    hint: 'Dense inference needs a convolutional body (Conv, pools, pointwise ops, Concat) and a global-average-pool classifier head',
  });
}

function describe(node: Node): string {
  return `${node.opType} node \`${node.name || node.output?.[0]}\``;
}

// Conv and pool output edges, floor mode, with explicit pads [top, left, bottom, right].
function windowed(node: Node, x: SpatialShape, kernel: number[], channels: number | null, file: string): SpatialShape {
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER')
    fail(file, `${describe(node)} uses auto_pad ${autoPad}, whose padding depends on the input size`);
  if (intAttr(node, 'ceil_mode', 0) !== 0) fail(file, `${describe(node)} uses ceil_mode=1, which shifts the grid with the input size`);
  const strides = intsAttr(node, 'strides') ?? [1, 1];
  const dilations = intsAttr(node, 'dilations') ?? [1, 1];
  const pads = autoPad === 'VALID' ? [0, 0, 0, 0] : (intsAttr(node, 'pads') ?? [0, 0, 0, 0]);
  if (kernel.length !== 2) fail(file, `${describe(node)} is not 2-D (kernel ${kernel.join('x')})`);
  const edge = (n: number, axis: 0 | 1): number =>
    Math.floor((n + pads[axis] + pads[axis + 2] - dilations[axis] * (kernel[axis] - 1) - 1) / strides[axis]) + 1;
  return { channels, height: edge(x.height, 0), width: edge(x.width, 1), strideY: x.strideY * strides[0], strideX: x.strideX * strides[1] };
}

function sameGrid(a: SpatialShape, b: SpatialShape): boolean {
  return a.height === b.height && a.width === b.width && a.strideX === b.strideX && a.strideY === b.strideY;
}

/**
 * Shapes of every spatial tensor reachable from `inputName` ([N, C, patch, patch]) through the
 * nodes not in `skip`. Throws MODEL_INVALID naming the first op dense inference cannot carry.
 */
export function inferSpatialShapes(
  nodes: Node[],
  constants: Map<string, Tensor>,
  inputName: string,
  inputChannels: number | null,
  patchSizePx: number,
  skip: Set<Node>,
  file: string,
): Map<string, SpatialShape> {
  const shapes = new Map<string, SpatialShape>([
    [inputName, { channels: inputChannels, height: patchSizePx, width: patchSizePx, strideX: 1, strideY: 1 }],
  ]);
  for (const node of nodes) {
    if (skip.has(node)) continue;
    const inputs = (node.input ?? []).filter((name) => shapes.has(name));
    if (inputs.length === 0) continue;
    const x = shapes.get(inputs[0]) as SpatialShape;
    const op = node.opType ?? '';
    let out: SpatialShape;
    if (op === 'Conv') {
      const w = constants.get(node.input?.[1] ?? '');
      const wDims = w ? dimsOf(w) : null;
      const kernel = intsAttr(node, 'kernel_shape') ?? wDims?.slice(2) ?? [];
      out = windowed(node, x, kernel, wDims ? wDims[0] : null, file);
    } else if (op === 'MaxPool' || op === 'AveragePool') {
      out = windowed(node, x, intsAttr(node, 'kernel_shape') ?? [], x.channels, file);
    } else if (op === 'LRN') {
      out = x;
    } else if (POINTWISE.has(op)) {
      for (const name of node.input ?? []) {
        const other = shapes.get(name);
        if (other && !sameGrid(other, x))
          fail(
            file,
            `${describe(node)} joins maps of different grids (${x.width}x${x.height}/${x.strideX} and ${other.width}x${other.height}/${other.strideX})`,
          );
        const c = constants.get(name);
        const d = c ? dimsOf(c) : [];
        if (d.length === 4 && (d[2] > 1 || d[3] > 1))
          fail(file, `${describe(node)} uses a constant of spatial shape [${d.join(', ')}], which fixes the input size`);
      }
      out = x;
    } else if (op === 'Concat' && intAttr(node, 'axis', 0) === 1) {
      const maps = inputs.map((name) => shapes.get(name) as SpatialShape);
      if (maps.some((m) => !sameGrid(m, x))) fail(file, `${describe(node)} concatenates maps of different grids`);
      out = { ...x, channels: maps.every((m) => m.channels !== null) ? maps.reduce((s, m) => s + (m.channels ?? 0), 0) : null };
    } else {
      return fail(
        file,
        `${describe(node)} cannot run on a window of any size (supported before the head: Conv, MaxPool, AveragePool, LRN, Concat on channels, pointwise ops)`,
      );
    }
    if (out.height < 1 || out.width < 1) fail(file, `${describe(node)} leaves no output for a ${patchSizePx} px patch`);
    for (const name of node.output ?? []) if (name) shapes.set(name, out);
  }
  return shapes;
}
