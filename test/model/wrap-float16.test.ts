// float16 models (card input.dtype float16): the wrapper casts the normalized patches to float16 and the
// output back to float32; the result equals a reference run of the unwrapped float16 model on the same
// patches, prepared by hand and rounded to float16, within float16 tolerance.
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { inspectModel, validateModelForInfer, wrapModel, type ModelCard } from '../../src/model/index.js';
import { FEATURES_D, FEATURES_P, FEATURES_T, buildFeaturesModel, featuresCard, fromHalfBits, toHalfBits } from './features-model.js';

const N = 3;
const P = FEATURES_P;
const pixels = Uint8Array.from({ length: N * P * P * 3 }, (_, i) => (i * 53 + (i >> 3) * 7) & 255);

/** Hand-normalized NCHW input as float16 bits. */
function preprocessHalf(card: ModelCard): Uint16Array {
  const { mean, std } = card.normalization;
  const x = new Uint16Array(N * 3 * P * P);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < P; y++)
      for (let xx = 0; xx < P; xx++)
        for (let c = 0; c < 3; c++)
          x[((n * 3 + c) * P + y) * P + xx] = toHalfBits((pixels[((n * P + y) * P + xx) * 3 + c] / 255 - mean[c]) / std[c]);
  return x;
}

function halves(data: unknown): number[] {
  return Array.from(data as Uint16Array, fromHalfBits);
}

describe('wrapModel: float16 models', () => {
  test('half bits round-trip (the test helpers are right)', () => {
    for (const v of [0, 1, -2.5, 0.1, 65504, 1e-4])
      expect(Math.abs(fromHalfBits(toHalfBits(v)) - v)).toBeLessThanOrEqual(Math.abs(v) / 1024);
  });

  test.each(['cls', 'mean'] as const)('features, pooling %s: float32 out, equal to the float16 reference within 2e-3', async (pooling) => {
    const bytes = buildFeaturesModel({ isFloat16: true });
    const card = featuresCard({ name: 'tokens', kind: 'features', dim: FEATURES_D, pooling }, true);
    const ref = await ort.InferenceSession.create(bytes);
    const r = await ref.run({ input: new ort.Tensor('float16', preprocessHalf(card), [N, 3, P, P]) });
    await ref.release();
    expect(r.tokens.type).toBe('float16');
    const tokens = halves(r.tokens.data);
    const want: number[] = [];
    for (let n = 0; n < N; n++)
      for (let d = 0; d < FEATURES_D; d++) {
        const at = (t: number) => tokens[(n * FEATURES_T + t) * FEATURES_D + d];
        want.push(pooling === 'cls' ? at(0) : [1, 2, 3, 4].reduce((s, t) => s + at(t), 0) / 4);
      }
    const wrapped = wrapModel(bytes, card, 'half.onnx');
    const s = await ort.InferenceSession.create(wrapped.bytes);
    const out = (await s.run({ [wrapped.inputName]: new ort.Tensor('uint8', pixels, [N, P, P, 3]) }))[wrapped.outputName];
    await s.release();
    expect(out.type).toBe('float32');
    expect(out.dims.map(Number)).toEqual([N, FEATURES_D]);
    const got = Array.from(out.data as Float32Array);
    const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i])));
    expect(worst).toBeLessThanOrEqual(2e-3);
    // And close to the float32 model: float16 rounding, not another computation.
    const f32 = wrapModel(buildFeaturesModel(), featuresCard({ name: 'tokens', kind: 'features', dim: FEATURES_D, pooling }), 'f32.onnx');
    const s32 = await ort.InferenceSession.create(f32.bytes);
    const out32 = (await s32.run({ [f32.inputName]: new ort.Tensor('uint8', pixels, [N, P, P, 3]) }))[f32.outputName];
    await s32.release();
    expect(Math.max(...got.map((v, i) => Math.abs(v - (out32.data as Float32Array)[i])))).toBeLessThanOrEqual(2e-2);
  });

  test('inspect: a float16 graph needs input.dtype float16 in the card; the probe accepts the model', async () => {
    const bytes = buildFeaturesModel({ isFloat16: true });
    const half = featuresCard({ name: 'embedding', kind: 'features', dim: FEATURES_D }, true);
    expect(inspectModel(bytes, half).disagreements).toEqual([]);
    expect(inspectModel(bytes, featuresCard({ name: 'embedding', kind: 'features', dim: FEATURES_D })).disagreements).toEqual([
      'graph input `input` is float16, the card says float32',
    ]);
    await expect(validateModelForInfer({ file: 'half.onnx', bytes, card: half })).resolves.toEqual({ externalData: [] });
  });
});
