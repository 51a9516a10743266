// Embedding models (`output.kind: features`): the wrapped graph takes uint8 patches and returns float32
// [N, D] equal to a reference run of the unwrapped model on hand-normalized patches, pooled by hand
// (cls: token 0, mean: tokens 1..T-1, none: the [N, D] output as it is); cards, inspect and the probe accept them.
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import {
  DT,
  GraphBuilder,
  encodeModel,
  inspectModel,
  onnx,
  validateModelCard,
  validateModelForInfer,
  valueInfo,
  wrapModel,
  type ModelCard,
} from '../../src/model/index.js';
import { FEATURES_D, FEATURES_P, FEATURES_T, buildFeaturesModel, featuresCard } from './features-model.js';

const N = 3;
const P = FEATURES_P;
const pixels = Uint8Array.from({ length: N * P * P * 3 }, (_, i) => (i * 37 + (i >> 4) * 11) & 255);

/** ((x / 255) - mean) / std per channel, NHWC uint8 to NCHW float32, written out by hand. */
function preprocess(card: ModelCard): Float32Array {
  const { mean, std } = card.normalization;
  const x = new Float32Array(N * 3 * P * P);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < P; y++)
      for (let xx = 0; xx < P; xx++)
        for (let c = 0; c < 3; c++) x[((n * 3 + c) * P + y) * P + xx] = (pixels[((n * P + y) * P + xx) * 3 + c] / 255 - mean[c]) / std[c];
  return x;
}

/** The unwrapped model's `tokens` [N, T, D] and `embedding` [N, D] on the hand-prepared input. */
async function referenceRun(bytes: Uint8Array, card: ModelCard): Promise<{ tokens: Float32Array; embedding: Float32Array }> {
  const s = await ort.InferenceSession.create(bytes);
  const r = await s.run({ input: new ort.Tensor('float32', preprocess(card), [N, 3, P, P]) });
  await s.release();
  return { tokens: r.tokens.data as Float32Array, embedding: r.embedding.data as Float32Array };
}

function poolByHand(tokens: Float32Array, pooling: 'cls' | 'mean'): number[] {
  const out: number[] = [];
  for (let n = 0; n < N; n++)
    for (let d = 0; d < FEATURES_D; d++) {
      const at = (t: number) => tokens[(n * FEATURES_T + t) * FEATURES_D + d];
      if (pooling === 'cls') out.push(at(0));
      else {
        let sum = 0;
        for (let t = 1; t < FEATURES_T; t++) sum += at(t);
        out.push(sum / (FEATURES_T - 1));
      }
    }
  return out;
}

async function runWrapped(bytes: Uint8Array, card: ModelCard): Promise<{ data: Float32Array; dims: number[]; type: string }> {
  const wrapped = wrapModel(bytes, card, 'features.onnx');
  expect(wrapped.dim).toBe(FEATURES_D);
  expect(wrapped.classes).toBeNull();
  const s = await ort.InferenceSession.create(wrapped.bytes);
  const r = await s.run({ [wrapped.inputName]: new ort.Tensor('uint8', pixels, [N, P, P, 3]) });
  await s.release();
  const out = r[wrapped.outputName];
  return { data: out.data as Float32Array, dims: out.dims.map(Number), type: out.type };
}

function expectClose(got: Float32Array, want: ArrayLike<number>, tolerance: number): void {
  expect(got.length).toBe(want.length);
  const worst = Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i])));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('wrapModel: features', () => {
  test.each([
    ['cls', 17],
    ['mean', 17],
    ['mean', 18],
  ] as const)('pooling %s (opset %i): float32 [N, D] equal to the reference within 1e-4', async (pooling, opset) => {
    const bytes = buildFeaturesModel({ opset });
    const card = featuresCard({ name: 'tokens', kind: 'features', dim: FEATURES_D, pooling });
    const ref = await referenceRun(bytes, card);
    const got = await runWrapped(bytes, card);
    expect(got.type).toBe('float32');
    expect(got.dims).toEqual([N, FEATURES_D]);
    expectClose(got.data, poolByHand(ref.tokens, pooling), 1e-4);
    // cls and mean differ on this model, so the test tells them apart.
    expect(Math.max(...poolByHand(ref.tokens, 'cls').map((v, i) => Math.abs(v - poolByHand(ref.tokens, 'mean')[i])))).toBeGreaterThan(0.05);
  });

  test('pooling none (or absent): the [N, D] output as it is, no softmax', async () => {
    const bytes = buildFeaturesModel();
    for (const output of [
      { name: 'embedding', kind: 'features', dim: FEATURES_D, pooling: 'none' },
      { name: 'embedding', kind: 'features', dim: FEATURES_D },
    ] as const) {
      const card = featuresCard(output);
      const ref = await referenceRun(bytes, card);
      const got = await runWrapped(bytes, card);
      expect(got.dims).toEqual([N, FEATURES_D]);
      expectClose(got.data, ref.embedding, 1e-4);
      expect(Array.from(got.data).some((v) => v < 0)).toBe(true);
    }
  });
});

describe('model cards: features', () => {
  test('a features card needs dim but no labels or positiveIndex', () => {
    const card = featuresCard({ name: 'tokens', kind: 'features', dim: 6, pooling: 'cls' });
    expect(validateModelCard(card, 'f.json').output).toEqual({ name: 'tokens', kind: 'features', dim: 6, pooling: 'cls' });
  });
  test('missing dim, an unknown pooling and a bad input dtype are listed at once', () => {
    expect(() =>
      validateModelCard(
        { ...featuresCard({ name: 'tokens', kind: 'features', dim: 6 }), input: { name: 'input', layout: 'NCHW', dtype: 'int8' } },
        'a.json',
      ),
    ).toThrowError(/input\.dtype must be float32 or float16, got "int8"/);
    expect(() =>
      validateModelCard(
        { ...featuresCard({ name: 't', kind: 'features', dim: 6 }), output: { name: 't', kind: 'features', pooling: 'max' } },
        'f.json',
      ),
    ).toThrowError(
      /f\.json: invalid model card:\n {2}- output\.dim must be a positive integer \(the embedding size D\), got nothing\n {2}- output\.pooling must be cls, mean or none, got "max"/,
    );
  });
  test('an unknown output kind names all three kinds', () => {
    expect(() =>
      validateModelCard(
        { ...featuresCard({ name: 't', kind: 'features', dim: 6 }), output: { name: 't', kind: 'embedding', dim: 6 } },
        'f.json',
      ),
    ).toThrowError(/output\.kind must be logits, probabilities or features/);
  });
});

describe('inspect and the infer probe: features', () => {
  test('inspect: a matching card has no disagreements; a wrong dim or a pooling that does not fit the rank is one', () => {
    const bytes = buildFeaturesModel();
    expect(inspectModel(bytes, featuresCard({ name: 'tokens', kind: 'features', dim: 6, pooling: 'cls' })).disagreements).toEqual([]);
    expect(inspectModel(bytes, featuresCard({ name: 'tokens', kind: 'features', dim: 8, pooling: 'mean' })).disagreements).toEqual([
      "graph output has 6 features but the card's output.dim is 8",
    ]);
    expect(inspectModel(bytes, featuresCard({ name: 'tokens', kind: 'features', dim: 6 })).disagreements).toEqual([
      'graph output `tokens` has rank 3 ([N, 5, 6]) but pooling none needs [N, D]; set output.pooling to cls or mean',
    ]);
    expect(inspectModel(bytes, featuresCard({ name: 'embedding', kind: 'features', dim: 6, pooling: 'cls' })).disagreements).toEqual([
      'graph output `embedding` has rank 2 ([N, 6]) but pooling cls needs tokens [N, T, D]; set output.pooling to none',
    ]);
  });

  test('validateModelForInfer accepts a features model', async () => {
    const bytes = buildFeaturesModel();
    const card = featuresCard({ name: 'tokens', kind: 'features', dim: 6, pooling: 'mean' });
    await expect(validateModelForInfer({ file: 'vit.onnx', bytes, card })).resolves.toEqual({ externalData: [] });
  });

  test('validateModelForInfer: an output that is not [N, D] on the probe (shape not declared) is MODEL_MISMATCH', async () => {
    const model = onnx.ModelProto.decode(buildFeaturesModel());
    for (const o of model.graph?.output ?? []) o.type = { tensorType: { elemType: DT.FLOAT } };
    const bytes = onnx.ModelProto.encode(model).finish();
    const card = featuresCard({ name: 'tokens', kind: 'features', dim: 6 });
    await expect(validateModelForInfer({ file: 'vit.onnx', bytes, card })).rejects.toMatchObject({
      code: 'MODEL_MISMATCH',
      message: expect.stringContaining(
        'output `tokens` with pooling none gives shape [4, 5, 6] for 4 patches, expected [4, 6] (output.dim) (a token output needs output.pooling cls or mean)',
      ),
    });
  });

  test('validateModelForInfer: non-finite features on the probe are MODEL_MISMATCH naming the patch', async () => {
    const b = new GraphBuilder();
    b.op('Sqrt', [b.op('Sub', [b.op('ReduceMean', ['input'], { axes: [2, 3], keepdims: 0 }), b.constFloat([], [100])])], {}, ['f']);
    const bytes = encodeModel({
      graphName: 'nan',
      builder: b,
      inputs: [valueInfo('input', DT.FLOAT, ['N', 3, P, P])],
      outputs: [valueInfo('f', DT.FLOAT, ['N', 3])],
    });
    const card = featuresCard({ name: 'f', kind: 'features', dim: 3 });
    await expect(validateModelForInfer({ file: 'nan.onnx', bytes, card })).rejects.toMatchObject({
      code: 'MODEL_MISMATCH',
      message: expect.stringContaining('the black patch gives a non-finite feature (NaN at index 0); features must be finite numbers'),
    });
  });
});
