// A small builder over onnx-proto for writing ONNX graphs in code: initializers, nodes, typed
// inputs/outputs, and encoding to bytes. Used to wrap user models and to build our own models.
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export const DT = onnx.TensorProto.DataType;
export const OPSET = 17;

export type Dim = number | string;
export type AttrValue = number | number[] | string | onnxProto.onnx.ITensorProto | { floats: number[] };

export function valueInfo(name: string, elemType: number, shape: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): onnxProto.onnx.ITensorProto {
  const f = Float32Array.from(values);
  return { name, dims, dataType: DT.FLOAT, rawData: new Uint8Array(f.buffer, f.byteOffset, f.byteLength) };
}

export function int64Tensor(name: string, dims: number[], values: ArrayLike<number>): onnxProto.onnx.ITensorProto {
  const b = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  return { name, dims, dataType: DT.INT64, rawData: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) };
}

function attribute(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: A.INT, i: v } : { name, type: A.FLOAT, f: v };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  if ('floats' in v && Array.isArray(v.floats)) return { name, type: A.FLOATS, floats: v.floats };
  return { name, type: A.TENSOR, t: v as onnxProto.onnx.ITensorProto };
}

/** Accumulates nodes and initializers; names are made unique with a counter. */
export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private counter = 0;

  constructor(readonly prefix = '') {}

  fresh(hint: string): string {
    return `${this.prefix}${hint}_${this.counter++}`;
  }

  constFloat(dims: number[], values: ArrayLike<number>, hint = 'c'): string {
    const name = this.fresh(hint);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  constInt64(dims: number[], values: ArrayLike<number>, hint = 'i'): string {
    const name = this.fresh(hint);
    this.initializers.push(int64Tensor(name, dims, values));
    return name;
  }

  /** Add a node with one output (returned) or several (`outputs`). */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs?: string[]): string {
    const outs = outputs ?? [this.fresh(opType.toLowerCase())];
    this.nodes.push({
      opType,
      input: inputs,
      output: outs,
      name: this.fresh(`n_${opType}`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs[0];
  }
}

export interface ModelSpec {
  graphName: string;
  builder: GraphBuilder;
  inputs: onnxProto.onnx.IValueInfoProto[];
  outputs: onnxProto.onnx.IValueInfoProto[];
  docString?: string;
  metadata?: Record<string, string>;
}

export function encodeModel(spec: ModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'wsi-hpc',
    opsetImport: [{ domain: '', version: OPSET }],
    docString: spec.docString ?? '',
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graphName,
      node: spec.builder.nodes,
      initializer: spec.builder.initializers,
      input: spec.inputs,
      output: spec.outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
