// Models with external data (weights in a separate file): wrapping decodes only the graph file, the
// runner's session finds the weights through `externalDataDir` from any working directory, missing or
// truncated weights are MODEL_INVALID naming the file, and the peak memory of wrapping does not grow
// with the weights (measured in child processes on 16 MB and 1 GB weight files).
import { mkdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DT,
  GraphBuilder,
  encodeModel,
  onnx,
  readModelBytes,
  validateModelForInfer,
  valueInfo,
  wrapModel,
  writeWithExternalData,
} from '../../src/model/index.js';
import { openSession } from '../../src/runner/session.js';
import { ROOT, makeTempDir } from '../fixtures/index.js';
import { FEATURES_D, FEATURES_P, buildFeaturesModel, featuresCard } from './features-model.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let modelDir: string;
let modelPath: string;
const card = featuresCard({ name: 'tokens', kind: 'features', dim: FEATURES_D, pooling: 'mean' });
const N = 2;
const pixels = Uint8Array.from({ length: N * FEATURES_P * FEATURES_P * 3 }, (_, i) => (i * 29 + 7) & 255);

beforeAll(async () => {
  tmp = await makeTempDir('external-data');
  modelDir = join(tmp.dir, 'models', 'vit');
  mkdirSync(modelDir, { recursive: true });
  modelPath = join(modelDir, 'vit.onnx');
  writeWithExternalData(onnx.ModelProto.decode(buildFeaturesModel()), modelPath, 'vit.onnx.data', 64);
});
afterAll(() => tmp?.cleanup());

async function runWrapped(bytes: Uint8Array, externalDataDir?: string): Promise<Float32Array> {
  const wrapped = wrapModel(bytes, card, 'vit.onnx');
  const { session } = await openSession(wrapped.bytes, { device: 'cpu', threads: 1, env: {}, externalDataDir });
  const r = await session.run({ [wrapped.inputName]: new ort.Tensor('uint8', pixels, [N, FEATURES_P, FEATURES_P, 3]) });
  await session.release();
  return r[wrapped.outputName].data as Float32Array;
}

describe('external data', () => {
  test('the .onnx holds only the graph; the wrapped model keeps the references; openSession with externalDataDir gives the embedded model’s features', async () => {
    const graphOnly = await readModelBytes(modelPath);
    const weights = statSync(join(modelDir, 'vit.onnx.data')).size;
    expect(weights).toBeGreaterThan(graphOnly.length);
    const wrapped = wrapModel(graphOnly, card, modelPath);
    expect(wrapped.externalData.map((r) => r.location)).toEqual(Array(wrapped.externalData.length).fill('vit.onnx.data'));
    expect(wrapped.externalData.length).toBe(2);
    // The run's working directory is not the model's folder.
    expect(process.cwd()).not.toBe(modelDir);
    const got = await runWrapped(graphOnly, modelDir);
    const want = await runWrapped(buildFeaturesModel());
    expect(Array.from(got)).toEqual(Array.from(want));
    const { externalData } = await validateModelForInfer({ file: modelPath, bytes: graphOnly, card });
    expect(externalData.length).toBeGreaterThan(0);
    expect(new Set(externalData.map((r) => r.location))).toEqual(new Set(['vit.onnx.data']));
  });

  test('without externalDataDir ONNX Runtime cannot find the weights of a model opened from bytes', async () => {
    await expect(runWrapped(await readModelBytes(modelPath))).rejects.toThrow(/external data/i);
  });

  test('a model copied without its weights, or with a truncated weights file, is MODEL_INVALID naming the file', async () => {
    const lone = join(tmp.dir, 'lone');
    mkdirSync(lone);
    const bytes = await readModelBytes(modelPath);
    writeFileSync(join(lone, 'vit.onnx'), bytes);
    await expect(validateModelForInfer({ file: join(lone, 'vit.onnx'), bytes, card })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(
        /vit\.onnx: the external data of initializer `.+` is in .*lone\/vit\.onnx\.data, which does not exist/,
      ),
      hint: expect.stringContaining('Keep the weights file(s) (vit.onnx.data) in the same folder as vit.onnx'),
    });
    writeFileSync(join(lone, 'vit.onnx.data'), new Uint8Array(10));
    await expect(validateModelForInfer({ file: join(lone, 'vit.onnx'), bytes, card })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/which has 10 bytes \(truncated copy\?\)/),
    });
  });

  test('peak memory of reading and wrapping does not grow with the weights (16 MB vs 1 GB)', async () => {
    const peaks: number[] = [];
    for (const mb of [16, 1024]) {
      const dir = join(tmp.dir, `big-${mb}`);
      mkdirSync(dir);
      const k = (mb * 1024 * 1024) / (4 * 256);
      const b = new GraphBuilder();
      b.initializers.push({
        name: 'W',
        dims: [k, 256],
        dataType: DT.FLOAT,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: 'w.bin' },
          { key: 'offset', value: '0' },
          { key: 'length', value: String(k * 1024) },
        ],
      });
      b.op('MatMul', [b.op('Reshape', ['input', b.constInt64([2], [0, -1])]), 'W'], {}, ['f']);
      writeFileSync(
        join(dir, 'm.onnx'),
        encodeModel({
          graphName: 'big',
          builder: b,
          inputs: [valueInfo('input', DT.FLOAT, ['N', 3, 8, 8])],
          outputs: [valueInfo('f', DT.FLOAT, ['N', 256])],
        }),
      );
      // A sparse file: its size is what a reader would have to hold, no disk is spent.
      writeFileSync(join(dir, 'w.bin'), '');
      truncateSync(join(dir, 'w.bin'), k * 1024);
      const script = `
        import { readModelBytes, wrapModel, checkExternalData } from ${JSON.stringify(join(ROOT, 'dist/model/index.js'))};
        const file = ${JSON.stringify(join(dir, 'm.onnx'))};
        const card = { input: { name: 'input', layout: 'NCHW', dtype: 'float32' }, patchSizePx: 8,
          normalization: { mean: [0, 0, 0], std: [1, 1, 1] }, output: { name: 'f', kind: 'features', dim: 256 } };
        const w = wrapModel(await readModelBytes(file), card, file);
        await checkExternalData(w.externalData, file);
        console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, bytes: w.bytes.length }));`;
      const r = await execa('node', ['--input-type=module', '-e', script], { cwd: tmp.dir });
      const out = JSON.parse(r.stdout);
      expect(out.bytes).toBeLessThan(10_000);
      peaks.push(out.maxRssKb);
    }
    // 1 GB more weights, less than 16 MB more peak memory (the weights are never read).
    expect(peaks[1] - peaks[0], `peak RSS kB: ${peaks.join(', ')}`).toBeLessThan(16 * 1024);
    console.log(`wrapping peak RSS (kB) with 16 MB and 1 GB of external weights: ${peaks.join(', ')}`);
  });
});
