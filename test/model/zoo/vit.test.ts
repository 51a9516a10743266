// The zoo's generated ViT feature extractors: real ViT-S/16 and ViT-B/16 sizes (parameters summed over
// the initializers), the wrapped ViT-S/16 gives the class token of a reference run of the unwrapped model
// on hand-normalized patches within 1e-4, and a ViT saved with external data in another folder gives the same.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  inspectModel,
  readModelBytes,
  readModelCard,
  validateModelForInfer,
  wrapModel,
  writeWithExternalData,
} from '../../../src/model/index.js';
import { buildModels, buildVit, buildVitProto, VIT_B16, VIT_S16, vitParams } from '../../../src/model/zoo/index.js';
import { openSession } from '../../../src/runner/session.js';
import { makeTempDir } from '../../fixtures/index.js';

type Proto = ReturnType<typeof buildVitProto>['proto'];
const N = 2;
const P = 224;
const pixels = Uint8Array.from({ length: N * P * P * 3 }, (_, i) => (i * 31 + (i >> 9) * 17) & 255);
let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('vit-zoo');
});
afterAll(() => tmp?.cleanup());

/** Float initializers that are tensors (not the scalar constants: attention scale, GELU's 0.5, 1, sqrt 2). */
function trainable(proto: Proto): number {
  return (proto.graph?.initializer ?? [])
    .filter((t) => t.dataType === 1 && (t.dims ?? []).length > 0)
    .reduce((n, t) => n + (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1), 0);
}

/** The unwrapped model on hand-normalized NCHW patches; the class token (token 0) of each. */
async function referenceCls(bytes: Uint8Array, dim: number): Promise<number[]> {
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const x = new Float32Array(N * 3 * P * P);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < P * P; i++)
      for (let c = 0; c < 3; c++) x[(n * 3 + c) * P * P + i] = (pixels[(n * P * P + i) * 3 + c] / 255 - mean[c]) / std[c];
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 });
  const r = await s.run({ input: new ort.Tensor('float32', x, [N, 3, P, P]) });
  await s.release();
  const tokens = r.tokens.data as Float32Array;
  expect(r.tokens.dims).toEqual([N, 197, dim]);
  return Array.from({ length: N }, (_, n) => Array.from(tokens.subarray(n * 197 * dim, n * 197 * dim + dim))).flat();
}

async function wrappedFeatures(bytes: Uint8Array, card: Parameters<typeof wrapModel>[1], externalDataDir?: string): Promise<Float32Array> {
  const w = wrapModel(bytes, card, 'vit.onnx');
  const { session } = await openSession(w.bytes, { device: 'cpu', threads: 2, env: {}, externalDataDir });
  const r = await session.run({ [w.inputName]: new ort.Tensor('uint8', pixels, [N, P, P, 3]) });
  await session.release();
  expect(r[w.outputName].dims).toEqual([N, card.output.kind === 'features' ? card.output.dim : 0]);
  return r[w.outputName].data as Float32Array;
}

const worst = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('zoo ViT', () => {
  test('ViT-S/16: 21,665,664 parameters (~22M) summed over its initializers; ViT-B/16: 85,798,656 (~86M) from depth 1 and 2', () => {
    const s = buildVitProto(VIT_S16);
    expect(trainable(s.proto)).toBe(21_665_664);
    expect(s.params).toBe(21_665_664);
    expect(s.macsPerImage / 1e9).toBeCloseTo(4.6, 1);
    expect(s.card.output).toEqual({ name: 'tokens', kind: 'features', dim: 384, pooling: 'cls' });
    const b1 = trainable(buildVitProto({ ...VIT_B16, depth: 1 }).proto);
    const b2 = trainable(buildVitProto({ ...VIT_B16, depth: 2 }).proto);
    expect(b1 + 11 * (b2 - b1)).toBe(85_798_656);
    expect(vitParams(VIT_B16)).toBe(85_798_656);
  });

  test('wrapped ViT-S/16 features equal the reference class token within 1e-4; inspect agrees with the card', async () => {
    const vit = buildVit(VIT_S16);
    expect(inspectModel(vit.bytes, vit.card).disagreements).toEqual([]);
    const got = await wrappedFeatures(vit.bytes, vit.card);
    const want = await referenceCls(vit.bytes, 384);
    expect(worst(got, want)).toBeLessThanOrEqual(1e-4);
    // Different patches give different features (the model is not degenerate).
    expect(worst(got.subarray(0, 384), got.subarray(384))).toBeGreaterThan(1e-3);
  });

  test('a ViT saved with external data in another folder: validated and run from bytes with externalDataDir, same features', async () => {
    const c = { ...VIT_S16, depth: 2 };
    const { proto, card } = buildVitProto(c);
    const embedded = buildVit(c).bytes;
    const dir = join(tmp.dir, 'elsewhere', 'vit2');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'vit2.onnx');
    const weightBytes = writeWithExternalData(proto, path, 'vit2.onnx.data');
    const graphOnly = await readModelBytes(path);
    expect(graphOnly.length).toBeLessThan(weightBytes / 100);
    await validateModelForInfer({ file: path, bytes: graphOnly, card });
    expect(worst(await wrappedFeatures(graphOnly, card, dir), await wrappedFeatures(embedded, card))).toBe(0);
  });

  test('buildModels --only vit-s16 writes a features card that validates', async () => {
    const [entry] = await buildModels({ outDir: tmp.dir, only: ['vit-s16'] });
    expect(entry).toMatchObject({ name: 'vit-s16', stem: 'vit-s16', status: 'written', params: 21_665_664 });
    const card = await readModelCard(join(tmp.dir, 'vit-s16.onnx'));
    expect(card.output).toEqual({ name: 'tokens', kind: 'features', dim: 384, pooling: 'cls' });
  });
});
