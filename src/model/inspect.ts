// `model inspect`: what the ONNX graph and the model card each say, and where they disagree.
import type onnxProto from 'onnx-proto';
import { decodeModel, onnx } from './onnx-builder.js';
import type { ModelCard } from './types.js';

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

export function inspectModel(bytes: Uint8Array, card: ModelCard | null): ModelInspection {
  const model = decodeModel(bytes);
  const g = model.graph;
  const inits = new Set((g?.initializer ?? []).map((t) => t.name));
  const inputs = (g?.input ?? []).filter((i) => !inits.has(i.name)).map(summarize);
  const outputs = (g?.output ?? []).map(summarize);
  const ops: Record<string, number> = {};
  for (const n of g?.node ?? []) ops[n.opType ?? '?'] = (ops[n.opType ?? '?'] ?? 0) + 1;
  const disagreements: string[] = [];
  if (card) {
    const input = inputs.find((i) => i.name === card.input.name);
    if (!input)
      disagreements.push(`card input \`${card.input.name}\` is not a graph input (graph: ${inputs.map((i) => i.name).join(', ')})`);
    else {
      if (input.dtype !== 'float') disagreements.push(`graph input \`${input.name}\` is ${input.dtype}, the card says float32`);
      if (input.shape.length !== 4)
        disagreements.push(`graph input \`${input.name}\` has rank ${input.shape.length}, expected 4 (${card.input.layout})`);
      else {
        const [c, h, w] =
          card.input.layout === 'NCHW'
            ? [input.shape[1], input.shape[2], input.shape[3]]
            : [input.shape[3], input.shape[1], input.shape[2]];
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
    if (!output)
      disagreements.push(`card output \`${card.output.name}\` is not a graph output (graph: ${outputs.map((o) => o.name).join(', ')})`);
    else {
      const classes = output.shape[output.shape.length - 1];
      if (typeof classes === 'number' && classes !== card.output.labels.length)
        disagreements.push(`graph output has ${classes} classes but the card lists ${card.output.labels.length} labels`);
      if (typeof classes === 'number' && card.output.positiveIndex >= classes)
        disagreements.push(`positiveIndex ${card.output.positiveIndex} is past the ${classes} output classes`);
    }
  }
  return {
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain || 'ai.onnx', version: Number(o.version) })),
    producer: `${model.producerName ?? ''} ${model.producerVersion ?? ''}`.trim(),
    inputs,
    outputs,
    nodes: g?.node?.length ?? 0,
    ops,
    parameters: (g?.initializer ?? []).reduce((n, t) => n + elementCount(t), 0),
    card,
    disagreements,
  };
}
