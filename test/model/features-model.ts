// A small generated embedding model for the features tests: a 4x4 patch-embedding Conv, a class
// token, a token MLP with Tanh; outputs `tokens` [N, 5, D] and `embedding` [N, D] (token 1).
// Optionally float16 throughout (input, weights, outputs) or declared at opset 18.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type onnxProto from 'onnx-proto';
import { DT, GraphBuilder, encodeModel, onnx, valueInfo, type ModelCard } from '../../src/model/index.js';

export const FEATURES_P = 8;
export const FEATURES_D = 6;
export const FEATURES_T = 5;

export interface FeaturesModelOptions {
  /** Input, weights and outputs in float16. @default false */
  isFloat16?: boolean;
  /** Declared default-domain opset (the graph uses no op whose signature differs between 17 and 18). @default 17 */
  opset?: number;
}

function weights(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.37) * 0.6);
}

/** IEEE half bits of `v` (round to nearest even), for float16 initializers. */
export function toHalfBits(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  let mant = x & 0x7fffff;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - exp;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  if (exp >= 31) return sign | 0x7c00;
  const half = (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** Float value of half bits. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

function halfTensor(name: string, dims: number[], values: number[]): onnxProto.onnx.ITensorProto {
  const bits = Uint16Array.from(values, toHalfBits);
  return { name, dims, dataType: DT.FLOAT16, rawData: new Uint8Array(bits.buffer) };
}

export function buildFeaturesModel(o: FeaturesModelOptions = {}): Uint8Array {
  const b = new GraphBuilder();
  const D = FEATURES_D;
  const isHalf = o.isFloat16 ?? false;
  const c = (dims: number[], values: number[], hint: string): string => {
    if (!isHalf) return b.constFloat(dims, values, hint);
    const name = b.fresh(hint);
    b.initializers.push(halfTensor(name, dims, values));
    return name;
  };
  const conv = b.op('Conv', ['input', c([D, 3, 4, 4], weights(D * 48, 1), 'w'), c([D], weights(D, 2), 'b')], {
    kernel_shape: [4, 4],
    strides: [4, 4],
  });
  const patches = b.op('Transpose', [b.op('Reshape', [conv, b.constInt64([3], [0, D, -1])])], { perm: [0, 2, 1] });
  // Class token: a learned vector plus twice the first patch token, so it depends on the patch.
  const first = b.op('Slice', [patches, b.constInt64([1], [0]), b.constInt64([1], [1]), b.constInt64([1], [1])]);
  const cls = b.op('Add', [b.op('Mul', [first, c([], [2], 'two')]), c([1, 1, D], weights(D, 3), 'cls')]);
  const tokens = b.op('Concat', [cls, patches], { axis: 1 });
  const mixed = b.op('Add', [b.op('MatMul', [tokens, c([D, D], weights(D * D, 4), 'm')]), c([D], weights(D, 5), 'mb')]);
  b.op('Tanh', [mixed], {}, ['tokens']);
  b.op('Gather', ['tokens', b.constInt64([], [1])], { axis: 1 }, ['embedding']);
  const type = isHalf ? DT.FLOAT16 : DT.FLOAT;
  const bytes = encodeModel({
    graphName: 'features',
    builder: b,
    inputs: [valueInfo('input', type, ['N', 3, FEATURES_P, FEATURES_P])],
    outputs: [valueInfo('tokens', type, ['N', FEATURES_T, D]), valueInfo('embedding', type, ['N', D])],
  });
  if (!o.opset || o.opset === 17) return bytes;
  const model = onnx.ModelProto.decode(bytes);
  model.opsetImport = [{ domain: '', version: o.opset }];
  return onnx.ModelProto.encode(model).finish();
}

export function featuresCard(output: ModelCard['output'], isFloat16 = false): ModelCard {
  return {
    schemaVersion: 1,
    name: 'features-test',
    input: { name: 'input', layout: 'NCHW', dtype: isFloat16 ? 'float16' : 'float32' },
    patchSizePx: FEATURES_P,
    mpp: 0.5,
    normalization: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    output,
  };
}

/** Writes NAME.onnx and NAME.json into `dir`; returns the .onnx path. */
export async function writeFeaturesModel(dir: string, name: string, card: ModelCard, o: FeaturesModelOptions = {}): Promise<string> {
  const path = join(dir, `${name}.onnx`);
  await writeFile(path, buildFeaturesModel(o));
  await writeFile(join(dir, `${name}.json`), JSON.stringify(card, null, 2));
  return path;
}
