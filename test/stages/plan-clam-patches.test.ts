// `plan --clam-patches`: CLAM-style patches/<slide-stem>.h5 per planned slide, read back with h5py:
// datasets, dtypes and attributes exactly as CLAM writes them, coords equal to the plan's grid.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { runPlan } from '../../src/stages/plan/index.js';
import { SYSTEM_PYTHON, makeCohort, makeTempDir, pathExists } from '../fixtures/index.js';

// Prints, per file: dataset names, dtype, shape, attributes (name -> [numpy type, value]) and whether
// coords equal the grid file's int32 pairs in order.
const ORACLE = `
import h5py, json, sys, numpy as np
out = {}
for path, grid in zip(sys.argv[1::2], sys.argv[2::2]):
    raw = open(grid, 'rb').read()
    n = int(np.frombuffer(raw[12:16], '<u4')[0])
    want = np.frombuffer(raw[16:16 + 8 * n], '<i4').reshape(n, 2)
    with h5py.File(path, 'r') as f:
        c = f['coords']
        attrs = {k: [type(v).__name__, v.tolist() if hasattr(v, 'tolist') else v, str(getattr(v, 'dtype', ''))] for k, v in c.attrs.items()}
        out[path] = {'keys': sorted(f.keys()), 'dtype': str(c.dtype), 'shape': list(c.shape), 'attrs': attrs,
                     'rootAttrs': sorted(f.attrs.keys()), 'isEqual': bool(np.array_equal(c[:], want)), 'n': n}
print(json.dumps(out))
`;

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let plan: PlanFile;
let written: Map<string, string>;
type Report = Record<
  string,
  {
    keys: string[];
    dtype: string;
    shape: number[];
    attrs: Record<string, [string, unknown, string]>;
    rootAttrs: string[];
    isEqual: boolean;
    n: number;
  }
>;
let report: Report;
let twinName: string;

beforeAll(async () => {
  tmp = await makeTempDir('clam-patches');
  const slides = join(tmp.dir, 'slides');
  const cohort = await makeCohort(slides, 2, 4000, 3000, 23);
  // A second folder holding a slide of the same file name: both keep their slide id.
  const other = join(tmp.dir, 'other');
  await mkdir(other);
  const twin = cohort.manifest.slides[0].file;
  twinName = basename(twin);
  await symlink(join(slides, twin), join(other, basename(twin)));
  run = join(tmp.dir, 'run');
  const result = await runPlan({ inputs: [slides, other], out: run, clamPatches: true, concurrency: 1 });
  plan = result.plan;
  written = result.clamPatches ?? new Map();
  const args = plan.slides.filter((s) => s.grid).flatMap((s) => [written.get(s.id) ?? '', join(run, s.grid?.file ?? '')]);
  report = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', ORACLE, ...args], { encoding: 'utf8' }));
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('plan --clam-patches', () => {
  test('one file per planned slide, named by the slide stem (ids where stems collide)', () => {
    const planned = plan.slides.filter((s) => s.status === 'planned');
    expect(planned.length).toBe(3);
    expect(written.size).toBe(3);
    const names = planned.map((s) => basename(written.get(s.id) ?? ''));
    const twins = planned.filter((s) => basename(s.path) === twinName);
    expect(twins.length).toBe(2);
    for (const s of planned) {
      const stem = basename(s.path).replace(/\.[^.]+$/, '');
      const expected = basename(s.path) === twinName ? `${s.id}.h5` : `${stem}.h5`;
      expect(basename(written.get(s.id) ?? '')).toBe(expected);
      expect(written.get(s.id)).toBe(join(run, 'patches', expected));
    }
    expect(new Set(names).size).toBe(3);
  });

  test('coords int64 [N, 2] equal to the grid in plan order, with exactly CLAM attributes and types', () => {
    for (const s of plan.slides.filter((x) => x.grid && x.info)) {
      const r = report[written.get(s.id) ?? ''];
      const g = s.grid as NonNullable<typeof s.grid>;
      const level = s.info?.levels[g.level];
      const stem = basename(written.get(s.id) ?? '', '.h5');
      expect(g.count).toBeGreaterThan(10);
      expect(r).toMatchObject({ keys: ['coords'], dtype: 'int64', shape: [g.count, 2], isEqual: true, n: g.count, rootAttrs: [] });
      expect(r.attrs).toEqual({
        patch_size: ['int64', g.readSizePx, 'int64'],
        patch_level: ['int64', g.level, 'int64'],
        downsample: ['ndarray', [g.downsample, g.downsample], 'float64'],
        downsampled_level_dim: ['ndarray', [level?.width, level?.height], 'int64'],
        level_dim: ['ndarray', [level?.width, level?.height], 'int64'],
        name: ['str', stem, ''],
        save_path: ['str', join(run, 'patches'), ''],
      });
    }
  });

  test('the plan without --clam-patches writes no patches folder; the grid file is what the coords came from', async () => {
    const again = await runPlan({ inputs: [join(tmp.dir, 'slides')], out: join(tmp.dir, 'run2'), concurrency: 1 });
    expect(again.clamPatches).toBeUndefined();
    expect(await pathExists(join(tmp.dir, 'run2', 'patches'))).toBe(false);
    expect(await pathExists(join(tmp.dir, 'run2', 'plan.json'))).toBe(true);
  });
});
