// Turns a patch classifier into a fully convolutional model: the global-average-pool + classifier
// head becomes AveragePool(feature edge, stride 1) + an equivalent 1x1 Conv, and the input takes any
// H, W. Output cell (i, j) is then the patch model's logits on the crop at (i*S, j*S), S = total stride.
import type onnxProto from 'onnx-proto';
import { WsiHpcError } from '../../errors.js';
import { DT, GraphBuilder, decodeModel, onnx, valueInfo } from '../onnx-builder.js';
import { type ClassifierOutput, isFeaturesCard, type ModelCard } from '../types.js';
import { findHead, indexGraph } from './find-head.js';
import { intsAttr, toInt } from './onnx-values.js';
import { inferSpatialShapes, type SpatialShape } from './spatial-shapes.js';
import type { DenseModel } from './types.js';

type Node = onnxProto.onnx.INodeProto;

function invalid(file: string, message: string): never {
  throw new WsiHpcError('MODEL_INVALID', `${file}: cannot convert to dense: ${message}`, { file });
}

function inputChannels(input: onnxProto.onnx.IValueInfoProto): number | null {
  const d = input.type?.tensorType?.shape?.dim?.[1];
  return d?.dimValue === null || d?.dimValue === undefined ? null : toInt(d.dimValue);
}

function checkStride(shape: SpatialShape, file: string): number {
  if (shape.strideX !== shape.strideY)
    invalid(file, `the network's total stride differs along x (${shape.strideX}) and y (${shape.strideY})`);
  return shape.strideX;
}

/**
 * Convert `modelBytes` (an NCHW patch classifier described by `card`) into a dense model.
 * A card with `isFullyConvolutional: true` keeps its graph (only the input becomes [N, C, H, W]);
 * its output must be a [N, classes, 1, 1] map for one patch. Throws MODEL_INVALID naming what it
 * cannot carry: another head (see SUPPORTED_HEADS), size-dependent padding, ceil mode, NHWC input.
 */
export function convertToDense(modelBytes: Uint8Array, card: ModelCard, file = 'model'): DenseModel {
  const output = isFeaturesCard(card)
    ? invalid(file, 'the card says output.kind features; dense conversion handles patch classifiers only')
    : (card.output as ClassifierOutput);
  if (card.input.layout !== 'NCHW') invalid(file, 'the input layout is NHWC; dense conversion handles NCHW graphs only');
  const model = decodeModel(modelBytes);
  const graph = model.graph;
  if (!graph) return invalid(file, 'the ONNX model has no graph');
  const input = (graph.input ?? []).find((i) => i.name === card.input.name);
  if (!input) return invalid(file, `the card's input \`${card.input.name}\` is not a graph input`);
  const nodes = graph.node ?? [];
  const { constants } = indexGraph(graph);
  const p = card.patchSizePx;
  const channelsIn = inputChannels(input);
  const b = new GraphBuilder('wsihpc_dense_');
  let kept: Node[];
  let classes: number;
  let totalStridePx: number;
  let featureEdge: number;
  let replacedHead: string;
  if (card.isFullyConvolutional) {
    const out = inferSpatialShapes(nodes, constants, card.input.name, channelsIn, p, new Set(), file).get(card.output.name);
    if (out?.width !== 1 || out.height !== 1 || out.channels === null) {
      return invalid(
        file,
        `the card says fully convolutional but \`${card.output.name}\` is not a [N, classes, 1, 1] map for one ${p} px patch${out ? ` (got ${out.width}x${out.height})` : ''}`,
      );
    }
    [kept, classes, totalStridePx, featureEdge, replacedHead] = [
      nodes,
      out.channels,
      checkStride(out, file),
      1,
      'none (card says fully convolutional)',
    ];
  } else {
    const head = findHead(graph, card.output.name, file);
    const feature = inferSpatialShapes(nodes, constants, card.input.name, channelsIn, p, head.nodes, file).get(head.featureName);
    if (!feature)
      return invalid(file, `the pooled map \`${head.featureName}\` does not come from input \`${card.input.name}\` through supported ops`);
    if (feature.channels !== null && feature.channels !== head.channels)
      invalid(file, `the classifier expects ${head.channels} channels but the pooled map has ${feature.channels}`);
    if (head.pool.opType === 'AveragePool') {
      const k = intsAttr(head.pool, 'kernel_shape') ?? [];
      const pads = intsAttr(head.pool, 'pads') ?? [0, 0, 0, 0];
      if (k[0] !== feature.height || k[1] !== feature.width || pads.some((v) => v !== 0)) {
        invalid(
          file,
          `AveragePool ${k.join('x')} (pads ${pads.join(',')}) in the head does not cover the whole ${feature.width}x${feature.height} feature map`,
        );
      }
    }
    if (feature.width !== feature.height) invalid(file, `the last feature map is ${feature.width}x${feature.height}, not square`);
    const pooled = b.op('AveragePool', [head.featureName], { kernel_shape: [feature.height, feature.width], strides: [1, 1] });
    const w = b.constFloat([head.classes, head.channels, 1, 1], head.weights, 'fc_w');
    const bias = b.constFloat([head.classes], head.bias, 'fc_b');
    b.op('Conv', [pooled, w, bias], { kernel_shape: [1, 1] }, [card.output.name]);
    kept = [...nodes.filter((n) => !head.nodes.has(n)), ...b.nodes];
    [classes, totalStridePx, featureEdge, replacedHead] = [head.classes, checkStride(feature, file), feature.width, head.description];
  }
  const used = new Set(kept.flatMap((n) => n.input ?? []));
  const initializers = [...(graph.initializer ?? []).filter((t) => used.has(t.name ?? '')), ...b.initializers];
  const initNames = new Set(initializers.map((t) => t.name));
  const dense = onnx.ModelProto.create({
    ...model,
    metadataProps: [
      ...(model.metadataProps ?? []).filter((m) => !m.key?.startsWith('wsi-hpc.dense.')),
      { key: 'wsi-hpc.dense.totalStridePx', value: String(totalStridePx) },
      { key: 'wsi-hpc.dense.patchSizePx', value: String(p) },
      { key: 'wsi-hpc.dense.replacedHead', value: replacedHead },
    ],
    graph: {
      ...graph,
      node: kept,
      initializer: initializers,
      input: [
        valueInfo(card.input.name, DT.FLOAT, ['N', channelsIn ?? 'C', 'H', 'W']),
        ...(graph.input ?? []).filter((i) => i.name !== card.input.name && initNames.has(i.name ?? '')),
      ],
      output: [valueInfo(card.output.name, DT.FLOAT, ['N', classes, 'Hc', 'Wc'])],
      valueInfo: [],
    },
  });
  // The replaced head ends in logits (a trailing Softmax is removed); a declared FCN keeps its kind.
  const kind = card.isFullyConvolutional ? output.kind : 'logits';
  const denseCard: ModelCard = { ...card, isFullyConvolutional: true, output: { ...output, kind } };
  return {
    bytes: onnx.ModelProto.encode(dense).finish(),
    card: denseCard,
    patchSizePx: p,
    totalStridePx,
    featureEdge,
    classes,
    replacedHead,
  };
}
