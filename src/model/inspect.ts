// `model inspect`: what the ONNX graph and the model card each say, where they disagree, and
// whether the model converts to dense (dense-support.ts).
import type onnxProto from 'onnx-proto';
import { describeDenseSupport, type DenseSupport } from './dense-support.js';
import { onnx } from './onnx-builder.js';
import { decodeModelFile } from './read-model.js';
import type { FeaturesOutput, ModelCard } from './types.js';

export interface TensorSummary {
  name: string;
  dtype: string;
  shape: Array<number | string>;
}

export interface ModelInspection {
  opsets: Array<{ domain: string; version: number }>;
  producer: string;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  nodes: number;
  ops: Record<string, number>;
  parameters: number;
  card: ModelCard | null;
  /** What dense conversion makes of the model (needs the card's input, output and patch size); null without a card. */
  dense: DenseSupport | null;
  disagreements: string[];
}

const DTYPE_NAMES = Object.fromEntries(Object.entries(onnx.TensorProto.DataType).map(([k, v]) => [v, k.toLowerCase()]));

function summarize(v: onnxProto.onnx.IValueInfoProto): TensorSummary {
  const t = v.type?.tensorType;
  return {
    name: v.name ?? '',
    dtype: DTYPE_NAMES[t?.elemType ?? 0] ?? 'unknown',
    shape: (t?.shape?.dim ?? []).map((d: onnxProto.onnx.TensorShapeProto.IDimension) =>
      d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : '?',
    ),
  };
}

function elementCount(t: onnxProto.onnx.ITensorProto): number {
  return (t.dims ?? []).reduce<number>((n: number, d: unknown) => n * Number(d), 1);
}

/** Decodes `bytes` (MODEL_INVALID naming `file` when they are not ONNX) and compares the graph with the card. */
export function inspectModel(bytes: Uint8Array, card: ModelCard | null, file = 'model'): ModelInspection {
  const model = decodeModelFile(bytes, file);
  const g = model.graph;
  const inits = new Set((g?.initializer ?? []).map((t) => t.name));
  const inputs = (g?.input ?? []).filter((i) => !inits.has(i.name)).map(summarize);
  const outputs = (g?.output ?? []).map(summarize);
  const ops: Record<string, number> = {};
  for (const n of g?.node ?? []) ops[n.opType ?? '?'] = (ops[n.opType ?? '?'] ?? 0) + 1;
  const disagreements = card ? compareCardToGraph(card, inputs, outputs, g?.node ?? []) : [];
  const dense = card ? describeDenseSupport(bytes, card, file) : null;
  if (dense?.cardTotalStrideMismatch) disagreements.push(dense.cardTotalStrideMismatch);
  return {
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain || 'ai.onnx', version: Number(o.version) })),
    producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
    inputs,
    outputs,
    nodes: g?.node?.length ?? 0,
    ops,
    parameters: (g?.initializer ?? []).reduce((n, t) => n + elementCount(t), 0),
    card,
    dense,
    disagreements,
  };
}

// Every way the card and the graph disagree, or the graph cannot give one probability per class;
// `infer` refuses a model with any of these (validate-for-infer.ts).
function compareCardToGraph(
  card: ModelCard,
  inputs: TensorSummary[],
  outputs: TensorSummary[],
  nodes: onnxProto.onnx.INodeProto[],
): string[] {
  const disagreements: string[] = [];
  const input = inputs.find((i) => i.name === card.input.name);
  if (!input) disagreements.push(`card input \`${card.input.name}\` is not a graph input (graph: ${inputs.map((i) => i.name).join(', ')})`);
  else {
    const dtype = card.input.dtype ?? 'float32';
    if (input.dtype !== (dtype === 'float16' ? 'float16' : 'float'))
      disagreements.push(`graph input \`${input.name}\` is ${input.dtype}, the card says ${dtype}`);
    if (input.shape.length !== 4)
      disagreements.push(`graph input \`${input.name}\` has rank ${input.shape.length}, expected 4 (${card.input.layout})`);
    else {
      const [c, h, w] =
        card.input.layout === 'NCHW' ? [input.shape[1], input.shape[2], input.shape[3]] : [input.shape[3], input.shape[1], input.shape[2]];
      if (typeof c === 'number' && c !== 3)
        disagreements.push(`graph input has ${c} channels in ${card.input.layout} layout, expected 3 (RGB); is the layout right?`);
      for (const [axis, v] of [
        ['height', h],
        ['width', w],
      ] as const) {
        if (typeof v === 'number' && v !== card.patchSizePx)
          disagreements.push(`graph input ${axis} is ${v} but the card's patchSizePx is ${card.patchSizePx}`);
      }
    }
  }
  const output = outputs.find((o) => o.name === card.output.name);
  if (!output) {
    disagreements.push(`card output \`${card.output.name}\` is not a graph output (graph: ${outputs.map((o) => o.name).join(', ')})`);
    return disagreements;
  }
  if (card.output.kind === 'features') return [...disagreements, ...featuresDisagreements(card.output, output)];
  const classes = output.shape[output.shape.length - 1];
  if (typeof classes === 'number' && classes !== card.output.labels.length)
    disagreements.push(`graph output has ${classes} classes but the card lists ${card.output.labels.length} labels`);
  if (typeof classes === 'number' && card.output.positiveIndex >= classes)
    disagreements.push(`positiveIndex ${card.output.positiveIndex} is past the ${classes} output classes`);
  if (classes === 1 || card.output.labels.length === 1)
    disagreements.push(
      'the output has one class: a softmax over one class is always 1, so every patch would score 1; export one column per class',
    );
  if (output.shape.length > 0 && output.shape.length !== 2)
    disagreements.push(
      `graph output \`${output.name}\` has rank ${output.shape.length} ([${output.shape.join(', ')}]), expected [N, classes]`,
    );
  const producer = producerOf(output.name, nodes);
  if (card.output.kind === 'logits' && (producer?.opType === 'Softmax' || producer?.opType === 'Sigmoid'))
    disagreements.push(
      `the card says output.kind logits but \`${output.name}\` comes out of ${producer.opType}: the scores would go through a second softmax; set output.kind to probabilities`,
    );
  return disagreements;
}

// An embedding output: [N, D] (pooling none) or tokens [N, T, D] (cls, mean), with D = card.output.dim.
function featuresDisagreements(card: FeaturesOutput, output: TensorSummary): string[] {
  const problems: string[] = [];
  const pooling = card.pooling ?? 'none';
  const rank = pooling === 'none' ? 2 : 3;
  if (output.shape.length > 0 && output.shape.length !== rank)
    problems.push(
      `graph output \`${output.name}\` has rank ${output.shape.length} ([${output.shape.join(', ')}]) but pooling ${pooling} needs ${rank === 2 ? '[N, D]' : 'tokens [N, T, D]'}` +
        (output.shape.length === 3
          ? '; set output.pooling to cls or mean'
          : output.shape.length === 2
            ? '; set output.pooling to none'
            : ''),
    );
  const d = output.shape[output.shape.length - 1];
  if (typeof d === 'number' && d !== card.dim) problems.push(`graph output has ${d} features but the card's output.dim is ${card.dim}`);
  return problems;
}

// The node computing `name`, looking through Identity nodes (exporters often end a graph with one).
function producerOf(name: string, nodes: onnxProto.onnx.INodeProto[]): onnxProto.onnx.INodeProto | undefined {
  let node = nodes.find((n) => (n.output ?? []).includes(name));
  for (let hops = 0; node?.opType === 'Identity' && hops < 16; hops++) {
    const from = node.input?.[0];
    node = nodes.find((n) => (n.output ?? []).includes(from ?? ''));
  }
  return node;
}
