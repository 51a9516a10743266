// Macenko stain normalization against a float64 NumPy reference on real H&E pixels (small_HE.svs):
// the fit in JS and the normalization inside the ONNX front subgraph.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DT, GraphBuilder, encodeModel, valueInfo, wrapModel, type ModelCard } from '../../src/model/index.js';
import { openSlide } from '../../src/slide/index.js';
import { BUILTIN_TARGET, fitMacenko, transferMatrix, type StainModel } from '../../src/stain/index.js';
import { makeTempDir, smallHePath } from '../fixtures/index.js';

const P = 64;
let tmp: { dir: string; cleanup: () => Promise<void> };
let fitPixels: Uint8Array;
let patches: Uint8Array;
let reference: { he: number[][]; maxC: number[] };
let referencePixels: Float64Array;

beforeAll(async () => {
  tmp = await makeTempDir('stain');
  const path = smallHePath();
  if (!path) return;
  const slide = await openSlide(path);
  // Tissue-rich area of the real slide; fit on a 600x600 region, normalize 4 patches from it.
  const region = await slide.readRegion(0, 900, 1500, 600, 600);
  fitPixels = region.data;
  patches = new Uint8Array(4 * P * P * 3);
  for (let k = 0; k < 4; k++) {
    const r = await slide.readRegion(0, 950 + k * 120, 1600 + k * 60, P, P);
    patches.set(r.data, k * P * P * 3);
  }
  await slide.close();
  writeFileSync(join(tmp.dir, 'fit.rgb'), fitPixels);
  writeFileSync(join(tmp.dir, 'patches.rgb'), patches);
  writeFileSync(join(tmp.dir, 'target.json'), JSON.stringify(BUILTIN_TARGET));
  reference = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [
        join(process.cwd(), 'test/oracles/macenko_reference.py'),
        join(tmp.dir, 'fit.rgb'),
        join(tmp.dir, 'patches.rgb'),
        String(P),
        join(tmp.dir, 'target.json'),
        join(tmp.dir, 'out.f64'),
      ],
      { encoding: 'utf8' },
    ),
  );
  const buf = readFileSync(join(tmp.dir, 'out.f64'));
  referencePixels = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
});
afterAll(() => tmp?.cleanup());

describe('Macenko on real H&E pixels', () => {
  test('the JS fit matches the float64 NumPy reference (stain vectors and 99th-percentile concentrations)', () => {
    if (!smallHePath()) return;
    const fit = fitMacenko(fitPixels) as StainModel;
    expect(fit).not.toBeNull();
    for (let s = 0; s < 2; s++) {
      for (let c = 0; c < 3; c++) expect(fit.he[s][c]).toBeCloseTo(reference.he[s][c], 6);
      expect(fit.maxC[s]).toBeCloseTo(reference.maxC[s], 5);
    }
    // Hematoxylin first: it absorbs more red.
    expect(fit.he[0][0]).toBeGreaterThan(fit.he[1][0]);
  });

  test('the ONNX front subgraph normalizes patches as the reference does (float tolerance)', async () => {
    if (!smallHePath()) return;
    const fit = fitMacenko(fitPixels) as StainModel;
    // Identity "model" on NHWC float input with mean 0 / std 1: the wrapper's output is pixels / 255.
    const b = new GraphBuilder();
    b.op('Identity', ['input'], {}, ['out']);
    const bytes = encodeModel({
      graphName: 'id',
      builder: b,
      inputs: [valueInfo('input', DT.FLOAT, ['N', P, P, 3])],
      outputs: [valueInfo('out', DT.FLOAT, ['N', P, P, 3])],
    });
    const card: ModelCard = {
      schemaVersion: 1,
      name: 'identity',
      input: { name: 'input', layout: 'NHWC', dtype: 'float32' },
      patchSizePx: P,
      mpp: null,
      normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
      output: { name: 'out', kind: 'probabilities', positiveIndex: 0, labels: ['x'] },
    };
    const wrapped = wrapModel(bytes, card, 'identity', { hasStainNorm: true });
    const s = await ort.InferenceSession.create(wrapped.bytes);
    const t = transferMatrix(fit, BUILTIN_TARGET);
    const mt = new Float32Array(4 * 9);
    for (let k = 0; k < 4; k++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) mt[k * 9 + i * 3 + j] = t[j][i];
    const r = await s.run({
      wsihpc_patches: new ort.Tensor('uint8', patches, [4, P, P, 3]),
      wsihpc_stain: new ort.Tensor('float32', mt, [4, 3, 3]),
    });
    const got = r[wrapped.outputName].data as Float32Array;
    let worst = 0;
    let meanDiff = 0;
    for (let i = 0; i < got.length; i++) {
      const d = Math.abs(got[i] * 255 - referencePixels[i]);
      worst = Math.max(worst, d);
      meanDiff += d / got.length;
    }
    expect(worst).toBeLessThan(0.05);
    expect(meanDiff).toBeLessThan(0.005);
    // And normalization changed the pixels (it is not an identity on this slide).
    let change = 0;
    for (let i = 0; i < got.length; i++) change += Math.abs(got[i] * 255 - patches[i]) / got.length;
    expect(change).toBeGreaterThan(2);
  });

  test('normalizing a slide to its own stains keeps its stain vectors (a projection onto the stain plane)', () => {
    if (!smallHePath()) return;
    const fit = fitMacenko(fitPixels) as StainModel;
    const t = transferMatrix(fit, fit);
    for (const v of fit.he) {
      const tv = [0, 1, 2].map((i) => t[i][0] * v[0] + t[i][1] * v[1] + t[i][2] * v[2]);
      for (const [i, x] of tv.entries()) expect(x).toBeCloseTo(v[i], 9);
    }
    const tt = [0, 1, 2].map((i) => [0, 1, 2].map((j) => t[i][0] * t[0][j] + t[i][1] * t[1][j] + t[i][2] * t[2][j]));
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(tt[i][j]).toBeCloseTo(t[i][j], 9);
  });

  test('too few stained pixels gives null, not a made-up fit', () => {
    expect(fitMacenko(new Uint8Array(3000).fill(250))).toBeNull();
  });
});
