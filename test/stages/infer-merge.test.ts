// infer and merge end to end through the built CLI on a packed synthetic cohort, with a tiny real
// ONNX model whose outputs we can compute by hand from the shard pixels.
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ShardReader, readPredictions } from '../../src/hdf5/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { SYSTEM_PYTHON, cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let model: string;
let plan: PlanFile;

/** Hand computation of the tiny model's tumour probability for one 224² patch. */
function tinyProbability(pixels: Uint8Array, offset: number, p: number): number {
  const m = [0, 0, 0];
  for (let i = 0; i < p * p; i++) for (let c = 0; c < 3; c++) m[c] += (pixels[offset + i * 3 + c] / 255 - 0.5) / 0.25;
  const f = m.map((v) => v / (p * p));
  const z0 = f[0] * 1 + f[1] * 0.5 + f[2] * -0.5;
  const z1 = f[0] * -1 + f[1] * -1.5 + f[2] * 1;
  return 1 / (1 + Math.exp(z0 - z1));
}

// For every slide: the heatmap .npy against per-patch probabilities from h5py. At each patch's grid
// cell (level-0 coords / stride) the value must be the mean of the patches covering that cell (the
// patch's own probability when patches do not overlap); every other cell must be NaN.
const HEATMAP_ORACLE = `
import h5py, json, sys, math
import numpy as np
run = sys.argv[1]
plan = json.load(open(run + '/plan.json'))
per = {}
for sh in plan['shards']['list']:
    with h5py.File(run + '/predictions/' + sh['id'] + '.h5', 'r') as p, h5py.File(run + '/shards/' + sh['id'] + '.h5', 'r') as s:
        prob = p['probabilities'][:, int(p.attrs['positive_index'])]
        ids = [x.decode() if isinstance(x, bytes) else x for x in p['slides/id'][:]]
        si, coords = p['slide_index'][:], s['coords'][:]
        assert (si == s['slide_index'][:]).all() and (p['grid_index'][:] == s['grid_index'][:]).all()
        for i in range(len(prob)):
            per.setdefault(ids[si[i]], []).append((int(coords[i][0]), int(coords[i][1]), float(prob[i])))
out = {}
for sl in plan['slides']:
    g, info = sl['grid'], sl['info']
    cell = g['strideLevel0']
    w, h = max(1, math.ceil(info['width'] / cell)), max(1, math.ceil(info['height'] / cell))
    span = max(1, math.floor(g['footprintLevel0'] / cell + 0.5))
    acc, cnt = np.zeros((h, w)), np.zeros((h, w))
    pts = per.get(sl['id'], [])
    for x, y, v in pts:
        cx, cy = math.floor(x / cell + 0.5), math.floor(y / cell + 0.5)
        acc[cy:cy + span, cx:cx + span] += v
        cnt[cy:cy + span, cx:cx + span] += 1
    want = np.where(cnt > 0, acc / np.maximum(cnt, 1), np.nan)
    got = np.load(run + '/heatmaps/' + sl['id'] + '.npy')
    same = got.shape == want.shape
    at = [(math.floor(y / cell + 0.5), math.floor(x / cell + 0.5)) for x, y, v in pts]
    patch_diff = max([float(np.nan_to_num(abs(float(got[r, c]) - float(want[r, c])), nan=1e9)) for r, c in at] or [1e9]) if same else 1e9
    out[sl['id']] = {
        'isShapeEqual': same,
        'patches': len(pts),
        'patchCells': len(set(at)),
        'maxPatchDiff': patch_diff,
        'nanMismatches': int((np.isnan(got) != np.isnan(want)).sum()) if same else -1,
        'maxCellDiff': float(np.nanmax(np.abs(got - want))) if same else 1e9,
        'distinctValues': len(np.unique(got[~np.isnan(got)])),
    }
print(json.dumps(out))
`;

beforeAll(async () => {
  tmp = await makeTempDir('infer');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 3, 6000, 4500, 41);
  run = join(tmp.dir, 'run');
  expect((await cli(['plan', slides, '--out', run, '--patches-per-shard', '120', '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
  model = await writeTinyModel(tmp.dir);
  plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
});
afterAll(() => tmp?.cleanup());

describe('wsi-hpc infer', () => {
  test('writes per-patch probabilities equal to the model applied to the shard pixels, and records the device', async () => {
    const r = await cli(['infer', run, '--model', model, '--batch-size', '16', '--json'], { env: { SLURM_CPUS_PER_TASK: '1' } });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const result = parseJson(r);
    expect(result).toMatchObject({ provider: 'cpu', threads: 1, batchSize: 16, failed: 0 });
    expect(result.reason).toContain('SLURM_CPUS_PER_TASK');
    expect(String(r.stderr)).toContain('device: CPU with 1 intra-op threads');
    for (const shard of plan.shards.list) {
      const pred = await readPredictions(join(run, 'predictions', `${shard.id}.h5`));
      const reader = await ShardReader.open(join(run, 'shards', `${shard.id}.h5`));
      const { pixels } = reader.readPatches(0, reader.count);
      expect(pred.slideIndex).toEqual(reader.readInt32('slideIndex'));
      for (let i = 0; i < reader.count; i += 7) {
        expect(pred.probabilities[i * 2 + 1]).toBeCloseTo(tinyProbability(pixels, i * 224 * 224 * 3, 224), 4);
      }
      reader.close();
      const marker = JSON.parse(await readFile(join(run, 'markers', 'infer', `${shard.id}.json`), 'utf8'));
      expect(marker).toMatchObject({ status: 'done', result: { provider: 'cpu', threads: 1, batchSize: 16, patches: shard.patches } });
      expect(marker.result.patchesPerSecond).toBeGreaterThan(0);
    }
    const again = parseJson(await cli(['infer', run, '--model', model, '--json']));
    expect(again.shards.every((s: { status: string }) => s.status === 'skipped')).toBe(true);
  });

  test('a visible GPU without CUDA libraries falls back to CPU with one warning saying why and how to fix it', async () => {
    const other = join(tmp.dir, 'run-gpu');
    expect((await cli(['plan', join(tmp.dir, 'slides'), '--out', other, '--patches-per-shard', '100000', '-q'])).exitCode).toBe(0);
    expect((await cli(['pack', other, '-q'])).exitCode).toBe(0);
    const r = await cli(['infer', other, '--model', model, '--json'], { env: { CUDA_VISIBLE_DEVICES: '0' } });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const result = parseJson(r);
    expect(result.provider).toBe('cpu');
    expect(result.warning).toContain('GPU visible (CUDA_VISIBLE_DEVICES=0) but the CUDA execution provider could not be used');
    const stderr = String(r.stderr);
    expect(stderr.match(/warning: GPU visible/g)?.length).toBe(1);
    expect(stderr).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node');
    expect(stderr).not.toContain('ONNXRuntimeError');
  });

  test('a model that does not fit the shards fails the task with MODEL_MISMATCH; other runs are unaffected', async () => {
    const small = await writeTinyModel(tmp.dir, { patchSizePx: 112 });
    const r = await cli(['infer', run, '--model', small, '--task', '0', '--json']);
    expect(r.exitCode).toBe(1);
    const result = parseJson(r);
    expect(result.shards[0].error).toMatchObject({
      code: 'MODEL_MISMATCH',
      message: expect.stringContaining('patches are 224x224 but model'),
    });
  });

  test('NaN outputs fail the shard with PREDICTIONS_INVALID naming the shard and the first bad patch', async () => {
    const nan = await writeTinyModel(tmp.dir, { isNaN: true });
    const r = await cli(['infer', run, '--model', nan, '--task', '1', '--json']);
    expect(r.exitCode).toBe(1);
    const id = plan.shards.list[plan.tasks.pack[1].shards[0]].id;
    expect(parseJson(r).shards[0].error).toMatchObject({
      code: 'PREDICTIONS_INVALID',
      message: expect.stringContaining(`shards/${id}.h5: the model's output for patch 0 of ${id} is not a probability (class 0 is NaN)`),
    });
  });
});

describe('stain normalization through the pipeline', () => {
  test('--stain-norm macenko fits every slide at plan time and infer feeds the per-slide matrices', async () => {
    const stained = join(tmp.dir, 'run-stain');
    expect(
      (await cli(['plan', join(tmp.dir, 'slides'), '--out', stained, '--stain-norm', 'macenko', '--patches-per-shard', '100000', '-q']))
        .exitCode,
    ).toBe(0);
    const p: PlanFile = JSON.parse(await readFile(join(stained, 'plan.json'), 'utf8'));
    expect(p.params.stain).toMatchObject({ method: 'macenko', targetSource: 'builtin' });
    for (const s of p.slides) expect(s.stain).toMatchObject({ isFallback: false, he: [expect.any(Array), expect.any(Array)] });
    expect((await cli(['pack', stained, '-q'])).exitCode).toBe(0);
    const r = await cli(['infer', stained, '--model', model, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const normalized = await readPredictions(join(stained, 'predictions', 'shard-00000.h5'));
    const reader = await ShardReader.open(join(stained, 'shards', 'shard-00000.h5'));
    const { pixels } = reader.readPatches(0, 50);
    reader.close();
    let differ = 0;
    for (let i = 0; i < 50; i++) {
      expect(Number.isFinite(normalized.probabilities[i * 2 + 1])).toBe(true);
      if (Math.abs(normalized.probabilities[i * 2 + 1] - tinyProbability(pixels, i * 224 * 224 * 3, 224)) > 1e-3) differ++;
    }
    expect(differ).toBeGreaterThan(25);
  });
});

describe('wsi-hpc merge', () => {
  test('writes heatmaps, overlays, regions and scores.csv for every slide', async () => {
    // The NaN run above left a failed infer marker for task 1; a good rerun restores it.
    expect((await cli(['infer', run, '--model', model, '-q'])).exitCode).toBe(0);
    const r = await cli(['merge', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const result = parseJson(r);
    expect(result.slides.map((s: { status: string }) => s.status)).toEqual(plan.slides.map(() => 'merged'));
    const csv = (await readFile(join(run, 'scores.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('slide_id,name,status,patches,max,top10_mean,mean,fraction_ge_0.5,regions');
    expect(csv.length).toBe(plan.slides.length + 1);
    for (const s of result.slides) {
      expect(s.scores.patches).toBe(plan.slides.find((p) => p.id === s.id)?.grid?.count);
      const geo = JSON.parse(await readFile(join(run, s.regions), 'utf8'));
      expect(geo.type).toBe('FeatureCollection');
    }
    // Independent check: numpy reads each .npy, h5py the predictions and shard coordinates.
    const checked = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', HEATMAP_ORACLE, run], { encoding: 'utf8' }));
    expect(Object.keys(checked).sort()).toEqual(plan.slides.map((s) => s.id).sort());
    for (const [id, c] of Object.entries<Record<string, number | boolean>>(checked)) {
      const grid = plan.slides.find((p) => p.id === id)?.grid;
      expect(c.isShapeEqual, id).toBe(true);
      expect(c.patches, id).toBe(grid?.count);
      expect(c.patchCells, id).toBe(grid?.count);
      expect(c.maxPatchDiff, id).toBeLessThan(1e-6);
      expect(c.nanMismatches, id).toBe(0);
      expect(c.maxCellDiff, id).toBeLessThan(1e-6);
      expect(c.distinctValues, id).toBeGreaterThan(10);
    }
  });

  test('a slide with an uninferred shard is reported incomplete, the others merge', async () => {
    const shard = plan.shards.list[0];
    await rm(join(run, 'markers', 'infer', `${shard.id}.json`));
    const r = await cli(['merge', run, '--json']);
    expect(r.exitCode).toBe(1);
    const result = parseJson(r);
    const incomplete = result.slides.filter((s: { status: string }) => s.status === 'incomplete');
    expect(incomplete.map((s: { id: string }) => s.id)).toEqual([...new Set(shard.segments.map((g) => g.slideId))]);
    expect(result.slides.some((s: { status: string }) => s.status === 'merged')).toBe(true);
  });
});
