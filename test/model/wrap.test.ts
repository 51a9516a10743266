// The wrapped model computes exactly what the card says: ((x/255) - mean)/std, layout, softmax.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, test } from 'vitest';
import { readModelCard, validateModelCard, wrapModel } from '../../src/model/index.js';
import { writeTinyModel } from '../fixtures/models.js';

const dir = mkdtempSync(join(tmpdir(), 'wsi-hpc-wrap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tiny model by hand in float64: mean of normalized channels -> linear -> softmax. */
function reference(pixels: Uint8Array, n: number, p: number): number[] {
  const W = [
    [1, -1],
    [0.5, -1.5],
    [-0.5, 1],
  ];
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    const m = [0, 0, 0];
    for (let i = 0; i < p * p; i++) for (let c = 0; c < 3; c++) m[c] += (pixels[(b * p * p + i) * 3 + c] / 255 - 0.5) / 0.25;
    const f = m.map((v) => v / (p * p));
    const z = [0, 1].map((k) => f[0] * W[0][k] + f[1] * W[1][k] + f[2] * W[2][k]);
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    out.push(...e.map((v) => v / (e[0] + e[1])));
  }
  return out;
}

describe('wrapModel', () => {
  test.each(['NCHW', 'NHWC'] as const)('uint8 NHWC patches in, probabilities out, for a %s model', async (layout) => {
    const path = await writeTinyModel(dir, { layout, patchSizePx: 8 });
    const card = await readModelCard(path);
    const wrapped = wrapModel(readFileSync(path), card, path);
    const s = await ort.InferenceSession.create(wrapped.bytes);
    const n = 3;
    const pixels = Uint8Array.from({ length: n * 8 * 8 * 3 }, (_, i) => (i * 37 + (i >> 5) * 11) & 255);
    const r = await s.run({ [wrapped.inputName]: new ort.Tensor('uint8', pixels, [n, 8, 8, 3]) });
    const got = Array.from(r[wrapped.outputName].data as Float32Array);
    const want = reference(pixels, n, 8);
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i], 5);
    expect(wrapped.classes).toBe(2);
  });

  test('a card naming an input the graph lacks is MODEL_MISMATCH listing the real inputs', async () => {
    const path = await writeTinyModel(dir, { name: 'mismatch' });
    const card = { ...(await readModelCard(path)), input: { name: 'images', layout: 'NCHW' as const, dtype: 'float32' as const } };
    expect(() => wrapModel(readFileSync(path), card, path)).toThrowError(/`images` is not a graph input \(graph inputs: input\)/);
  });
});

describe('model cards', () => {
  test('every problem is listed at once, naming the file', () => {
    expect(() =>
      validateModelCard(
        {
          schemaVersion: 1,
          name: '',
          input: { name: 'x', layout: 'CHW' },
          patchSizePx: 0,
          mpp: 0.5,
          normalization: { mean: [0, 0], std: [1, 1, 1] },
          output: { name: 'y', kind: 'logits', positiveIndex: 3, labels: ['a', 'b'] },
        },
        'm.json',
      ),
    ).toThrowError(
      /m\.json: invalid model card:\n {2}- name must be a non-empty string\n {2}- input\.layout must be NCHW or NHWC\n {2}- patchSizePx must be a positive integer\n {2}- normalization\.mean and \.std must be three numbers each\n {2}- output\.labels must name every class, including positiveIndex/,
    );
  });
  test('a missing card is MODEL_INVALID with a hint', async () => {
    await expect(readModelCard(join(dir, 'nothing.onnx'))).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      hint: expect.stringContaining('model card'),
    });
  });
});

describe('inspectModel', () => {
  test('reports a card that disagrees with the graph (patch size, labels)', async () => {
    const { inspectModel } = await import('../../src/model/index.js');
    const path = await writeTinyModel(dir, { name: 'inspect-me', patchSizePx: 224 });
    const card = {
      ...(await readModelCard(path)),
      patchSizePx: 256,
      output: { name: 'logits', kind: 'logits' as const, positiveIndex: 2, labels: ['a', 'b', 'c'] },
    };
    const r = inspectModel(readFileSync(path), card);
    expect(r.inputs).toEqual([{ name: 'input', dtype: 'float', shape: ['N', 3, 224, 224] }]);
    expect(r.disagreements).toEqual([
      "graph input height is 224 but the card's patchSizePx is 256",
      "graph input width is 224 but the card's patchSizePx is 256",
      'graph output has 2 classes but the card lists 3 labels',
      'positiveIndex 2 is past the 2 output classes',
    ]);
    expect(inspectModel(readFileSync(path), await readModelCard(path)).disagreements).toEqual([]);
  });
});
