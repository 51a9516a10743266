// Generated Vision Transformer feature extractors (ViT-S/16, ViT-B/16: the real architectures with random
// weights, as in timm's vit_*_patch16_224 without a head): patch-embedding Conv, class token, position
// embedding, pre-norm blocks (multi-head attention, GELU MLP 4x), final LayerNorm; outputs the tokens
// [N, 197, D] and the card pools the class token. For benchmarks and tests; never downloaded.
import type onnxProto from 'onnx-proto';
import { DT, GraphBuilder, OPSET, onnx, valueInfo } from '../onnx-builder.js';
import { type FeaturesCard, MODEL_CARD_VERSION } from '../types.js';
import { createNormalRng } from './prng.js';
import type { ZooModel } from './types.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './zoo-card.js';

export interface VitConfig {
  /** Embedding size D. */
  dim: number;
  heads: number;
  /** Transformer blocks. */
  depth: number;
  /** @default 16 */
  patch?: number;
  /** @default 224 */
  imageSize?: number;
}

export const VIT_S16: VitConfig = { dim: 384, heads: 6, depth: 12 };
export const VIT_B16: VitConfig = { dim: 768, heads: 12, depth: 12 };

export interface VitOptions {
  /** PRNG seed of the weights (normal, std 0.02; LayerNorm 1 and 0). @default 1 */
  seed?: number;
  /** Model name in the card. */
  name?: string;
}

/** Trainable parameters of a ViT without a head (what summing the initializers must give). */
export function vitParams(c: VitConfig): number {
  const p = c.patch ?? 16;
  const tokens = ((c.imageSize ?? 224) / p) ** 2 + 1;
  const d = c.dim;
  const block = 2 * (2 * d) + (d * 3 * d + 3 * d) + (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);
  return 3 * p * p * d + d + d + tokens * d + c.depth * block + 2 * d;
}

/** The ViT graph as a decoded ModelProto (so a caller can save it with external data) and its cost. */
export function buildVitProto(
  c: VitConfig,
  o: VitOptions = {},
): Omit<ZooModel<FeaturesCard>, 'bytes'> & { proto: onnxProto.onnx.ModelProto } {
  const p = c.patch ?? 16;
  const size = c.imageSize ?? 224;
  const d = c.dim;
  const dh = d / c.heads;
  const grid = size / p;
  const tokens = grid * grid + 1;
  const normal = createNormalRng(o.seed ?? 1);
  const b = new GraphBuilder();
  const random = (dims: number[], hint: string): string => {
    const n = dims.reduce((a, x) => a * x, 1);
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) w[i] = normal() * 0.02;
    return b.constFloat(dims, w, hint);
  };
  const filled = (n: number, v: number, hint: string): string => b.constFloat([n], new Float32Array(n).fill(v), hint);
  const linear = (x: string, inDim: number, outDim: number): string =>
    b.op('Add', [b.op('MatMul', [x, random([inDim, outDim], 'w')]), filled(outDim, 0, 'b')]);
  const layerNorm = (x: string): string =>
    b.op('LayerNormalization', [x, filled(d, 1, 'ln_g'), filled(d, 0, 'ln_b')], { axis: -1, epsilon: 1e-6 });
  let macs = 3 * p * p * d * grid * grid;

  const conv = b.op('Conv', ['input', random([d, 3, p, p], 'patch_w'), filled(d, 0, 'patch_b')], { kernel_shape: [p, p], strides: [p, p] });
  const patches = b.op('Transpose', [b.op('Reshape', [conv, b.constInt64([3], [0, d, -1])])], { perm: [0, 2, 1] });
  // The class token, broadcast to the batch: Expand to [N, 1, D] with N from the patches' shape.
  const batch = b.op('Slice', [b.op('Shape', [patches]), b.constInt64([1], [0]), b.constInt64([1], [1])]);
  const clsShape = b.op('Concat', [batch, b.constInt64([2], [1, d])], { axis: 0 });
  const cls = b.op('Expand', [random([1, 1, d], 'cls_token'), clsShape]);
  let x = b.op('Add', [b.op('Concat', [cls, patches], { axis: 1 }), random([1, tokens, d], 'pos_embed')]);
  const scale = b.constFloat([], [1 / Math.sqrt(dh)], 'scale');
  const half = b.constFloat([], [0.5], 'half');
  const one = b.constFloat([], [1], 'one');
  const sqrt2 = b.constFloat([], [Math.SQRT2], 'sqrt2');
  for (let i = 0; i < c.depth; i++) {
    // Attention: qkv [N, T, 3D] -> [3, N, H, T, dh]; softmax(q kᵀ / sqrt(dh)) v; heads back to [N, T, D].
    const qkv = b.op('Transpose', [b.op('Reshape', [linear(layerNorm(x), d, 3 * d), b.constInt64([5], [0, -1, 3, c.heads, dh])])], {
      perm: [2, 0, 3, 1, 4],
    });
    const [q, k, v] = [0, 1, 2].map((j) => b.op('Gather', [qkv, b.constInt64([], [j])], { axis: 0 }));
    const attn = b.op('Softmax', [b.op('Mul', [b.op('MatMul', [q, b.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), scale])], { axis: -1 });
    const heads = b.op('Reshape', [b.op('Transpose', [b.op('MatMul', [attn, v])], { perm: [0, 2, 1, 3] }), b.constInt64([3], [0, -1, d])]);
    x = b.op('Add', [x, linear(heads, d, d)]);
    // MLP with exact GELU: 0.5 x (1 + erf(x / sqrt 2)).
    const h = linear(layerNorm(x), d, 4 * d);
    const gelu = b.op('Mul', [b.op('Mul', [h, half]), b.op('Add', [b.op('Erf', [b.op('Div', [h, sqrt2])]), one])]);
    x = b.op('Add', [x, linear(gelu, 4 * d, d)]);
    macs += tokens * (3 * d * d + d * d + 8 * d * d) + 2 * c.heads * tokens * tokens * dh;
  }
  b.op('LayerNormalization', [x, filled(d, 1, 'norm_g'), filled(d, 0, 'norm_b')], { axis: -1, epsilon: 1e-6 }, ['tokens']);
  const label = `vit-${d === 384 ? 's' : d === 768 ? 'b' : `d${d}`}16${c.depth !== 12 ? `-depth${c.depth}` : ''}`;
  const name = o.name ?? label;
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'wsi-hpc',
    opsetImport: [{ domain: '', version: OPSET }],
    docString: `${name}: generated ViT (patch ${p}, ${size} px, depth ${c.depth}, dim ${d}, heads ${c.heads}, MLP 4x), random weights`,
    graph: {
      name: name.replace(/-/g, '_'),
      node: b.nodes,
      initializer: b.initializers,
      input: [valueInfo('input', DT.FLOAT, ['N', 3, size, size])],
      output: [valueInfo('tokens', DT.FLOAT, ['N', tokens, d])],
    },
  });
  const card: FeaturesCard = {
    schemaVersion: MODEL_CARD_VERSION,
    name,
    description: `Generated ViT/${p} feature extractor (depth ${c.depth}, dim ${d}, ${c.heads} heads, MLP 4x) with random weights (seed ${o.seed ?? 1}): for benchmarks and tests only.`,
    input: { name: 'input', layout: 'NCHW', dtype: 'float32' },
    patchSizePx: size,
    mpp: 0.5,
    normalization: { mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] },
    output: { name: 'tokens', kind: 'features', dim: d, pooling: 'cls' },
    isFullyConvolutional: false,
  };
  return { proto, card, params: vitParams(c), macsPerImage: macs, flopsPerImage: 2 * macs };
}

/** A ViT feature extractor as ONNX bytes with its card (embedded weights). */
export function buildVit(c: VitConfig, o: VitOptions = {}): ZooModel<FeaturesCard> {
  const { proto, ...rest } = buildVitProto(c, o);
  return { bytes: onnx.ModelProto.encode(proto).finish(), ...rest };
}
