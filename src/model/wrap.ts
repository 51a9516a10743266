// Wraps a user's model so the runner can feed HDF5 bytes as they are: a front subgraph takes
// uint8 NHWC patches, casts, scales, normalizes and transposes (and casts to float16 for float16
// models); a back end turns logits into probabilities, or pools an embedding model's tokens into
// float32 features [N, D]. The same preprocessing then runs on whatever device runs the model.
import { WsiHpcError } from '../errors.js';
import { type ExternalRef, externalRefs } from './external-data.js';
import { DT, GraphBuilder, OPSET, onnx, valueInfo } from './onnx-builder.js';
import { decodeModelFile } from './read-model.js';
import { type FeaturesOutput, isFeaturesCard, type ModelCard } from './types.js';

export const WRAPPED_INPUT = 'wsihpc_patches';
/** The wrapped output: probabilities [N, C] for classifiers, float32 features [N, D] for `kind: features`. */
export const WRAPPED_OUTPUT = 'wsihpc_probabilities';
/** Per-patch stain transfer matrices, float32 [N, 3, 3], transposed (OD row-vector · M). */
export const WRAPPED_STAIN = 'wsihpc_stain';

export interface WrapOptions {
  /** Add Macenko normalization fed by WRAPPED_STAIN. */
  hasStainNorm?: boolean;
  /** Background intensity of the optical density. @default 240 */
  stainIo?: number;
  /**
   * The model is a dense model (src/model/dense): the input is a window of any size, uint8 [N, H, W, 3],
   * and the output is per-cell probabilities [N, Hc, Wc, classes] (softmax over the last axis, which
   * every opset computes per cell).
   */
  isDense?: boolean;
}

export interface WrappedModel {
  bytes: Uint8Array;
  inputName: string;
  outputName: string;
  /** Classes of a classifier's output when the graph states them; null for features. */
  classes: number | null;
  /** Embedding size D of a features model (the card's output.dim); null for classifiers. */
  dim: number | null;
  /**
   * The initializers kept in external data files (relative to the original .onnx's folder; the wrapped
   * bytes reference them unchanged): open the session with that folder (runner openSession `externalDataDir`).
   */
  externalData: ExternalRef[];
}

export function wrapModel(modelBytes: Uint8Array, card: ModelCard, file = 'model', options: WrapOptions = {}): WrappedModel {
  const model = decodeModelFile(modelBytes, file);
  const graph = model.graph;
  if (!graph) throw new WsiHpcError('MODEL_INVALID', `${file}: ONNX model has no graph`, { file });
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const input = (graph.input ?? []).find((i) => i.name === card.input.name);
  if (!input) {
    const names = (graph.input ?? []).filter((i) => !inits.has(i.name)).map((i) => i.name);
    throw new WsiHpcError(
      'MODEL_MISMATCH',
      `${file}: the card's input \`${card.input.name}\` is not a graph input (graph inputs: ${names.join(', ')})`,
      { file },
    );
  }
  const output = (graph.output ?? []).find((o) => o.name === card.output.name);
  if (!output) {
    throw new WsiHpcError(
      'MODEL_MISMATCH',
      `${file}: the card's output \`${card.output.name}\` is not a graph output (graph outputs: ${(graph.output ?? []).map((o) => o.name).join(', ')})`,
      { file },
    );
  }
  const p = card.patchSizePx;
  const b = new GraphBuilder('wsihpc_');
  const { mean, std } = card.normalization;
  // ((x / 255) - mean) / std  ==  x * (1 / (255 std)) + (-mean / std)
  const scale = b.constFloat(
    [1, 1, 1, 3],
    std.map((s) => 1 / (255 * s)),
    'scale',
  );
  const shift = b.constFloat(
    [1, 1, 1, 3],
    mean.map((m, c) => -m / std[c]),
    'shift',
  );
  const isDense = options.isDense ?? false;
  const asFloat = options.hasStainNorm
    ? stainNormalize(b, isDense ? b.op('Shape', [WRAPPED_INPUT]) : b.constInt64([4], [0, p, p, 3]), options.stainIo ?? 240)
    : b.op('Cast', [WRAPPED_INPUT], { to: DT.FLOAT });
  const normalized = b.op('Add', [b.op('Mul', [asFloat, scale]), shift]);
  const typed = card.input.dtype === 'float16' ? b.op('Cast', [normalized], { to: DT.FLOAT16 }) : normalized;
  if (card.input.layout === 'NCHW') b.op('Transpose', [typed], { perm: [0, 3, 1, 2] }, [card.input.name]);
  else b.op('Identity', [typed], {}, [card.input.name]);
  const front = b.nodes.splice(0);
  const frontInits = b.initializers.splice(0);
  // A float16 (or other non-float32) output is cast first, so softmax and pooling run in float32.
  const outType = output.type?.tensorType?.elemType ?? DT.FLOAT;
  const scored = outType === DT.FLOAT ? card.output.name : b.op('Cast', [card.output.name], { to: DT.FLOAT });
  const dims = output.type?.tensorType?.shape?.dim ?? [];
  let classes: number | null = null;
  let outShape: Array<number | string>;
  if (isFeaturesCard(card)) {
    b.op('Identity', [poolTokens(b, scored, card.output, defaultOpset(model))], {}, [WRAPPED_OUTPUT]);
    outShape = ['N', card.output.dim];
  } else {
    // Dense maps [N, C, Hc, Wc] go channels-last first, so the softmax runs over classes per cell.
    const scores = isDense ? b.op('Transpose', [scored], { perm: [0, 2, 3, 1] }) : scored;
    if (card.output.kind === 'logits') b.op('Softmax', [scores], { axis: isDense ? 3 : 1 }, [WRAPPED_OUTPUT]);
    else b.op('Identity', [scores], {}, [WRAPPED_OUTPUT]);
    const classesDim = dims.length === 2 || (isDense && dims.length === 4) ? dims[1].dimValue : null;
    classes = classesDim === null || classesDim === undefined ? null : Number(classesDim);
    outShape = isDense ? ['N', 'Hc', 'Wc', classes ?? 'C'] : ['N', classes ?? 'C'];
  }
  const wrapped = onnx.ModelProto.create({
    ...model,
    graph: {
      ...graph,
      node: [...front, ...(graph.node ?? []), ...b.nodes],
      initializer: [...frontInits, ...b.initializers, ...(graph.initializer ?? [])],
      input: [
        valueInfo(WRAPPED_INPUT, DT.UINT8, isDense ? ['N', 'H', 'W', 3] : ['N', p, p, 3]),
        ...(options.hasStainNorm ? [valueInfo(WRAPPED_STAIN, DT.FLOAT, ['N', 3, 3])] : []),
        ...(graph.input ?? []).filter((i) => i.name !== card.input.name && inits.has(i.name)),
      ],
      output: [valueInfo(WRAPPED_OUTPUT, DT.FLOAT, outShape)],
      valueInfo: graph.valueInfo ?? [],
    },
  });
  const dim = isFeaturesCard(card) ? card.output.dim : null;
  return {
    bytes: onnx.ModelProto.encode(wrapped).finish(),
    inputName: WRAPPED_INPUT,
    outputName: WRAPPED_OUTPUT,
    classes,
    dim,
    externalData: externalRefs(graph),
  };
}

// The model's opset of the default domain: ReduceMean takes its axes as an input from opset 18 on.
function defaultOpset(model: { opsetImport?: Array<{ domain?: string | null; version?: unknown }> | null }): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? Number(entry.version) : OPSET;
}

// Token output [N, T, D] to [N, D]: `cls` takes token 0 (Gather on axis 1), `mean` averages the patch
// tokens 1..T-1 (Slice then ReduceMean, so the class token is left out); `none` passes [N, D] through.
function poolTokens(b: GraphBuilder, tokens: string, output: FeaturesOutput, opset: number): string {
  const pooling = output.pooling ?? 'none';
  if (pooling === 'none') return tokens;
  if (pooling === 'cls') return b.op('Gather', [tokens, b.constInt64([], [0])], { axis: 1 });
  const patchTokens = b.op('Slice', [tokens, b.constInt64([1], [1]), b.constInt64([1], [Number.MAX_SAFE_INTEGER]), b.constInt64([1], [1])]);
  return opset >= 18
    ? b.op('ReduceMean', [patchTokens, b.constInt64([1], [1])], { keepdims: 0 })
    : b.op('ReduceMean', [patchTokens], { axes: [1], keepdims: 0 });
}

// Macenko normalization per patch: OD = -ln((x + 1) / io); OD' = OD · M (M = Tᵀ for the patch's
// slide); x' = clip(io · exp(-OD'), 0, 255). Returns float pixels of `shape` ([N, P, P, 3], or the window's).
function stainNormalize(b: GraphBuilder, shape: string, io: number): string {
  const x = b.op('Cast', [WRAPPED_INPUT], { to: DT.FLOAT });
  const od = b.op('Neg', [b.op('Log', [b.op('Div', [b.op('Add', [x, b.constFloat([], [1])]), b.constFloat([], [io])])])]);
  const rows = b.op('Reshape', [od, b.constInt64([3], [0, -1, 3])]);
  const mixed = b.op('MatMul', [rows, WRAPPED_STAIN]);
  const back = b.op('Mul', [b.op('Exp', [b.op('Neg', [mixed])]), b.constFloat([], [io])]);
  const clipped = b.op('Clip', [back, b.constFloat([], [0]), b.constFloat([], [255])]);
  return b.op('Reshape', [clipped, shape]);
}
