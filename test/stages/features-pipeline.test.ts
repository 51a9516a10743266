// A features model end to end through the built CLI: plan (--clam-patches), pack, infer (float16 by
// default, then --features-dtype float32), merge -> features/<slide-stem>.h5 per slide, read by h5py:
// datasets, dtypes and attributes exactly; each planned patch once, in grid order; coords equal to
// the plan's grid; features equal to the model recomputed by numpy from the shard pixels.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { SYSTEM_PYTHON, cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { FEATURE_DIM, FEATURE_WEIGHTS, writeFeatureModel } from '../fixtures/feature-models.js';
import { writeTinyModel } from '../fixtures/models.js';

// Per slide: the feature file's datasets, dtypes, shapes, attributes (type and value), coords against
// the grid file, and the largest difference to numpy's recomputation of the model from shard pixels.
const ORACLE = `
import h5py, json, sys, numpy as np
run, weights = sys.argv[1], np.array(json.loads(sys.argv[2]), dtype='<f8').reshape(3, -1)
plan = json.load(open(run + '/plan.json'))
want = {}
for sh in plan['shards']['list']:
    with h5py.File(run + '/shards/' + sh['id'] + '.h5', 'r') as s:
        ids = [x.decode() if isinstance(x, bytes) else x for x in s['slides/id'][:]]
        px = s['patches'][:].astype('<f8') / 255.0
        f = (((px - 0.5) / 0.25).mean(axis=(1, 2))) @ weights
        for i, (si, gi) in enumerate(zip(s['slide_index'][:], s['grid_index'][:])):
            want.setdefault(ids[si], {})[int(gi)] = f[i]
def attr(v):
    if isinstance(v, (bytes, str)): return ['str', v if isinstance(v, str) else v.decode()]
    return [str(v.dtype), v.tolist()]
out = {}
for path in sys.argv[3:]:
    sid, file = path.split('=', 1)
    sl = next(s for s in plan['slides'] if s['id'] == sid)
    raw = open(run + '/' + sl['grid']['file'], 'rb').read()
    n = int(np.frombuffer(raw[12:16], '<u4')[0])
    grid = np.frombuffer(raw[16:16 + 8 * n], '<i4').reshape(n, 2)
    with h5py.File(file, 'r') as h:
        feats = h['features'][:].astype('<f8')
        ref = np.array([want[sid][g] for g in range(n)]) if n else np.zeros((0, feats.shape[1]))
        out[sid] = {'keys': sorted(h.keys()), 'rootAttrs': sorted(h.attrs.keys()),
            'featuresDtype': str(h['features'].dtype), 'featuresShape': list(h['features'].shape),
            'coordsDtype': str(h['coords'].dtype), 'coordsShape': list(h['coords'].shape),
            'isCoordsEqual': bool(np.array_equal(h['coords'][:], grid)), 'planned': len(want.get(sid, {})),
            'isHalfExact': bool(np.array_equal(feats, feats.astype('<f2').astype('<f8'))),
            'maxAbsDiff': float(np.abs(feats - ref).max()) if n else 0.0, 'maxRef': float(np.abs(ref).max()) if n else 0.0,
            'coordsAttrs': {k: attr(v) for k, v in h['coords'].attrs.items()},
            'featuresAttrs': {k: attr(v) for k, v in h['features'].attrs.items()}}
print(json.dumps(out))
`;

const HALF_OF = `
import h5py, sys, numpy as np
a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')
with np.errstate(over='ignore'):
    print(b['features'].dtype == np.float16 and np.array_equal(a['features'][:].astype('<f2').view('<u2'), b['features'][:].view('<u2')))
`;

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let model: string;
let plan: PlanFile;

beforeAll(async () => {
  tmp = await makeTempDir('features-pipeline');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 5000, 4000, 61);
  run = join(tmp.dir, 'run');
  const planned = await cli(['plan', slides, '--out', run, '--patches-per-shard', '40', '--clam-patches', '--json']);
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
  expect(Object.keys(parseJson(planned).clamPatches).length).toBe(2);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
  model = await writeFeatureModel(tmp.dir);
  plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
}, 240_000);
afterAll(() => tmp?.cleanup());

function check(files: Record<string, string>) {
  const args = Object.entries(files).map(([id, f]) => `${id}=${join(run, f)}`);
  return JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', ORACLE, run, JSON.stringify(FEATURE_WEIGHTS), ...args], { encoding: 'utf8' }));
}

async function inferAndMerge(extra: string[]) {
  const inferred = await cli(['infer', run, '--model', model, '--device', 'cpu', '--batch-size', '16', '--json', ...extra]);
  expect(inferred.exitCode, String(inferred.stderr)).toBe(0);
  const merged = await cli(['merge', run, '--json']);
  expect(merged.exitCode, String(merged.stderr)).toBe(0);
  const result = parseJson<{ slides: Array<{ id: string; status: string; features: string }>; featuresIndex?: string; scoresCsv?: string }>(
    merged,
  );
  expect(result.featuresIndex).toBe(join(run, 'features', 'index.csv'));
  expect(result.scoresCsv).toBeUndefined();
  const slides = result.slides;
  expect(slides.map((s) => s.status)).toEqual(['merged', 'merged']);
  return Object.fromEntries(slides.map((s) => [s.id, s.features]));
}

function expectLayout(report: Record<string, Record<string, unknown>>, dtype: string) {
  expect(plan.shards.list.length).toBeGreaterThan(2);
  for (const s of plan.slides) {
    const r = report[s.id];
    const g = s.grid as NonNullable<typeof s.grid>;
    const stem = s.name.replace(/\.[^.]+$/, '');
    expect(g.count).toBeGreaterThan(20);
    expect(r).toMatchObject({
      keys: ['coords', 'features'],
      rootAttrs: [],
      featuresDtype: dtype,
      featuresShape: [g.count, FEATURE_DIM],
      coordsDtype: 'int64',
      coordsShape: [g.count, 2],
      isCoordsEqual: true,
      planned: g.count,
    });
    const mag0 = s.info?.objectivePower ?? 10 / (s.info?.mpp ?? 1);
    expect(r.coordsAttrs).toEqual({
      patch_size: ['int64', g.patchSizePx],
      patch_size_level0: ['int64', g.footprintLevel0],
      patch_level: ['int64', g.level],
      read_patch_size: ['int64', g.readSizePx],
      overlap: ['int64', g.patchSizePx - g.stridePx],
      level0_magnification: ['float64', mag0],
      target_magnification: ['float64', (mag0 * g.patchSizePx) / g.footprintLevel0],
      level0_mpp: ['float64', s.info?.mpp],
      target_mpp: ['float64', g.patchMpp],
      name: ['str', stem],
      savetodir: ['str', join(run, 'features')],
    });
    expect(r.featuresAttrs).toEqual({
      name: ['str', stem],
      savetodir: ['str', join(run, 'features')],
      encoder: ['str', 'tiny-features'],
      model_sha256: ['str', expect.stringMatching(/^[0-9a-f]{64}$/)],
    });
  }
}

describe('features model: plan, pack, infer, merge', () => {
  test('float16 by default: one file per slide, every planned patch once in grid order, features within float16 rounding', async () => {
    const files = await inferAndMerge([]);
    for (const s of plan.slides) expect(files[s.id]).toBe(`features/${s.name.replace(/\.[^.]+$/, '')}.h5`);
    const report = check(files);
    expectLayout(report, 'float16');
    for (const s of plan.slides) {
      // float16 keeps 11 significant bits: relative error below 2^-11 of the largest value.
      expect(report[s.id].maxAbsDiff).toBeLessThan(report[s.id].maxRef * 2 ** -10);
      expect(report[s.id].isHalfExact).toBe(true);
    }
    await mkdir(join(tmp.dir, 'f16'));
    for (const s of plan.slides) await copyFile(join(run, files[s.id]), join(tmp.dir, 'f16', `${s.id}.h5`));
  }, 240_000);

  test('--features-dtype float32 redoes every shard and the files hold float32 values (model accumulation error only)', async () => {
    const files = await inferAndMerge(['--features-dtype', 'float32']);
    const report = check(files);
    expectLayout(report, 'float32');
    for (const s of plan.slides) {
      // ORT's float32 mean over 224 x 224 pixels (sequential sums) against numpy's float64.
      expect(report[s.id].maxAbsDiff).toBeLessThan(report[s.id].maxRef * 1e-3);
      expect(report[s.id].isHalfExact).toBe(false);
      // The default float16 file is exactly this float32 output rounded to nearest-even half.
      const same = execFileSync(SYSTEM_PYTHON, ['-c', HALF_OF, join(run, files[s.id]), join(tmp.dir, 'f16', `${s.id}.h5`)], {
        encoding: 'utf8',
      });
      expect(same.trim()).toBe('True');
    }
  }, 240_000);

  test('merge refuses a run whose shards mix a classifier and a features model (MODELS_MIXED)', async () => {
    const classifier = await writeTinyModel(tmp.dir);
    const again = await cli(['infer', run, '--model', classifier, '--device', 'cpu', '--task', '0', '--json']);
    expect(again.exitCode, String(again.stderr)).toBe(0);
    const merged = await cli(['merge', run, '--json']);
    expect(merged.exitCode).toBe(1);
    const said = `${merged.stdout}${merged.stderr}`;
    expect(said).toContain('MODELS_MIXED');
    expect(said).toContain('features/float32');
  }, 240_000);
});
