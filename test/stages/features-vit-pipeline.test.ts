// The "done when": plan, pack, infer --model vit-s16.onnx, merge on a synthetic cohort with the
// zoo's ViT-S/16 (real architecture, 21.7 M random weights) saved with external data in a folder of its
// own. The per-slide feature files, read by h5py, equal a straightforward reference run of the unwrapped
// model (ONNX Runtime on the .onnx path, hand-normalized NCHW, class token) on the shard pixels:
// float32 within 1e-4, float16 within that plus half a float16 ulp.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeWithExternalData } from '../../src/model/external-data.js';
import { IMAGENET_MEAN, IMAGENET_STD, VIT_S16, buildVitProto, vitParams } from '../../src/model/zoo/index.js';
import { SYSTEM_PYTHON, cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';

const P = 224;
const D = 384;
// Per slide: the shard pixels in grid order (uint8 [n, P, P, 3]) and the feature file's features as float32.
const DUMP = `
import h5py, json, sys, numpy as np
run, out = sys.argv[1], sys.argv[2]
plan = json.load(open(run + '/plan.json'))
px = {}
for sh in plan['shards']['list']:
    with h5py.File(run + '/shards/' + sh['id'] + '.h5', 'r') as s:
        ids = [x.decode() if isinstance(x, bytes) else x for x in s['slides/id'][:]]
        p = s['patches'][:]
        for i, (si, gi) in enumerate(zip(s['slide_index'][:], s['grid_index'][:])):
            px.setdefault(ids[si], {})[int(gi)] = p[i]
res = {}
for sl in plan['slides']:
    sid, stem = sl['id'], sl['name'].rsplit('.', 1)[0]
    n = sl['grid']['count']
    np.stack([px[sid][g] for g in range(n)]).astype('u1').tofile(out + '/' + sid + '.u8')
    with h5py.File(run + '/features/' + stem + '.h5', 'r') as h:
        h['features'][:].astype('<f4').tofile(out + '/' + sid + '.f4')
        res[sid] = {'n': n, 'dtype': str(h['features'].dtype), 'shape': list(h['features'].shape), 'encoder': h['features'].attrs['encoder']}
print(json.dumps(res))
`;

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let model: string;
let reference: ort.InferenceSession;

beforeAll(async () => {
  tmp = await makeTempDir('features-vit');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 2200, 1700, 41);
  run = join(tmp.dir, 'run');
  const planned = await cli(['plan', slides, '--out', run, '--patches-per-shard', '12', '-q']);
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
  const { proto, card } = buildVitProto(VIT_S16);
  const dir = join(tmp.dir, 'models', 'vit');
  await mkdir(dir, { recursive: true });
  model = join(dir, 'vit-s16.onnx');
  expect(writeWithExternalData(proto, model, 'vit-s16.onnx.data')).toBeGreaterThan(4 * 21e6);
  await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'vit-s16.json'), JSON.stringify(card)));
  // The reference: the unwrapped model from its path (ONNX Runtime finds the external data beside it).
  reference = await ort.InferenceSession.create(model, { intraOpNumThreads: 2 });
}, 240_000);
afterAll(async () => {
  await reference?.release();
  await tmp?.cleanup();
});

async function referenceCls(pixels: Uint8Array, n: number): Promise<Float32Array> {
  const x = new Float32Array(n * 3 * P * P);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < P * P; i++)
      for (let c = 0; c < 3; c++) x[(k * 3 + c) * P * P + i] = (pixels[(k * P * P + i) * 3 + c] / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
  const r = await reference.run({ input: new ort.Tensor('float32', x, [n, 3, P, P]) });
  expect(r.tokens.dims).toEqual([n, 197, D]);
  const tokens = r.tokens.data as Float32Array;
  const out = new Float32Array(n * D);
  for (let k = 0; k < n; k++) out.set(tokens.subarray(k * 197 * D, k * 197 * D + D), k * D);
  return out;
}

/** Infer + merge, then per slide the largest error against the reference, absolute and relative to half-precision rounding. */
async function inferMergeCompare(extra: string[]) {
  const inferred = await cli(['infer', run, '--model', model, '--device', 'cpu', '--batch-size', '8', '--json', ...extra]);
  expect(inferred.exitCode, String(inferred.stderr)).toBe(0);
  const merged = await cli(['merge', run, '--json']);
  expect(merged.exitCode, String(merged.stderr)).toBe(0);
  expect(parseJson<{ slides: Array<{ status: string }> }>(merged).slides.map((s) => s.status)).toEqual(['merged', 'merged']);
  const out = join(tmp.dir, `dump-${extra.join('') || 'default'}`);
  await mkdir(out);
  const files = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', DUMP, run, out], { encoding: 'utf8' }));
  const results: Record<string, { n: number; dtype: string; shape: number[]; encoder: string; maxAbs: number; maxExcess: number }> = {};
  for (const [sid, f] of Object.entries<{ n: number; dtype: string; shape: number[]; encoder: string }>(files)) {
    const raw = await readFile(join(out, `${sid}.f4`));
    const got = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const want = await referenceCls(new Uint8Array(await readFile(join(out, `${sid}.u8`))), f.n);
    let maxAbs = 0;
    let maxExcess = 0;
    for (let i = 0; i < want.length; i++) {
      const err = Math.abs(got[i] - want[i]);
      maxAbs = Math.max(maxAbs, err);
      // float16 tolerance: float32's 1e-4 plus half a float16 ulp at |want| (2^(floor(log2|want|) - 11), subnormals below 2^-14).
      const halfUlp = 2 ** (Math.max(Math.floor(Math.log2(Math.abs(want[i]) || 2 ** -14)), -14) - 11);
      maxExcess = Math.max(maxExcess, err - (1e-4 + halfUlp));
    }
    results[sid] = { ...f, maxAbs, maxExcess };
  }
  return results;
}

describe('zoo ViT-S/16 with external data, plan -> pack -> infer -> merge', () => {
  test('float16 (default): each slide file holds every planned patch once, within 1e-4 plus half a float16 ulp of the reference', async () => {
    expect(vitParams(VIT_S16)).toBe(21_665_664);
    const r = await inferMergeCompare([]);
    expect(Object.keys(r).length).toBe(2);
    for (const s of Object.values(r)) {
      expect(s.n).toBeGreaterThan(5);
      expect(s).toMatchObject({ dtype: 'float16', shape: [s.n, D], encoder: 'vit-s16' });
      expect(s.maxExcess).toBeLessThanOrEqual(0);
      // Not trivially: the values are large enough that half-precision rounding shows.
      expect(s.maxAbs).toBeGreaterThan(1e-4);
    }
  }, 240_000);

  test('--features-dtype float32: within 1e-4 of the reference', async () => {
    const r = await inferMergeCompare(['--features-dtype', 'float32']);
    for (const s of Object.values(r)) {
      expect(s).toMatchObject({ dtype: 'float32', shape: [s.n, D] });
      expect(s.maxAbs).toBeLessThanOrEqual(1e-4);
    }
  }, 240_000);
});
