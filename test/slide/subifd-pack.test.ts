// A SubIFD pyramid (`vips tiffsave --pyramid --subifd`, the OME-TIFF layout) through the built CLI: `plan --mpp 2`
// on a 0.5 µm/px slide picks SubIFD level 2 (not a resampled level 0), and `pack` writes patches equal to
// vips' pixels of that SubIFD, read back with h5py.

import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { cli, makeCohort, makeTempDir, parseJson, SYSTEM_PYTHON } from '../fixtures/index.js';

const run = promisify(execFile);
let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let slidesDir: string;

// Compares every patch of a shard with the level read from LEVEL.raw (W x H x 3, vips rawsave), white outside.
const COMPARE = `
import h5py, json, sys
import numpy as np
shard, raw, w, h, ds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
level = np.fromfile(raw, dtype=np.uint8).reshape(h, w, 3)
pad = np.full((h + 1024, w + 1024, 3), 255, dtype=np.uint8)
pad[:h, :w] = level
f = h5py.File(shard, 'r')
patches = f['patches']
coords = f['coords'][:]
worst, equal = 0, 0
for i in range(patches.shape[0]):
    x, y = int(round(coords[i][0] / ds)), int(round(coords[i][1] / ds))
    p = patches[i]
    want = pad[y:y + p.shape[0], x:x + p.shape[1]]
    diff = int(np.abs(want.astype(np.int16) - p.astype(np.int16)).max())
    worst = max(worst, diff)
    equal += diff == 0
print(json.dumps({'count': int(patches.shape[0]), 'equal': int(equal), 'worst': worst}))
`;

beforeAll(async () => {
  tmp = await makeTempDir('subifd-pack');
  const cohort = join(tmp.dir, 'cohort');
  await makeCohort(cohort, 1, 6000, 4500, 17);
  const [source] = (await readdir(cohort)).filter((f) => f.endsWith('.tif'));
  expect(source, 'the synthetic cohort has a generic TIFF').toBeDefined();
  slidesDir = join(tmp.dir, 'slides');
  await run('mkdir', ['-p', slidesDir]);
  // 2000 px/mm = 0.5 µm/px at level 0; levels 1.. go to SubIFDs of IFD 0.
  await run('vips', [
    'tiffsave',
    join(cohort, source),
    join(slidesDir, 'ome-style.tif'),
    '--tile',
    '--pyramid',
    '--subifd',
    '--compression',
    'jpeg',
    '--Q',
    '90',
    '--tile-width',
    '256',
    '--tile-height',
    '256',
    '--xres',
    '2000',
    '--yres',
    '2000',
  ]);
}, 120_000);
afterAll(() => tmp?.cleanup());

test('plan --mpp 2 reads SubIFD level 2 of a 0.5 µm/px SubIFD pyramid, and pack writes vips’ pixels of it (h5py)', async () => {
  const slide = join(slidesDir, 'ome-style.tif');
  const out = join(tmp.dir, 'run');
  const planned = await cli(['plan', slidesDir, '--out', out, '--mpp', '2', '--patches-per-shard', '100000', '-q']);
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
  const plan = JSON.parse(await readFile(join(out, 'plan.json'), 'utf8')) as PlanFile;
  const [s] = plan.slides;
  expect(s.status).toBe('planned');
  expect(s.info).toMatchObject({ format: 'generic-tiff', backend: 'native', mpp: 0.5, mppSource: 'tiff-resolution' });
  expect(s.info?.levels.slice(0, 3).map((l) => [l.width, l.height, l.downsample])).toEqual([
    [6000, 4500, 1],
    [3000, 2250, 2],
    [1500, 1125, 4],
  ]);
  // Before SubIFDs were read the file had one level: --mpp 2 meant level 0 resampled 4x.
  expect(s.grid).toMatchObject({ level: 2, downsample: 4, isResampled: false, readSizePx: 224 });
  expect(s.grid?.count ?? 0).toBeGreaterThan(5);

  const packed = await cli(['pack', out, '--json']);
  expect(packed.exitCode, String(packed.stderr)).toBe(0);
  expect(parseJson(packed).shards.every((r: { status: string }) => r.status === 'done')).toBe(true);

  // vips' own decode of SubIFD 1 (= level 2) as the oracle.
  const raw = join(tmp.dir, 'level2.raw');
  await run('vips', ['rawsave', `${slide}[subifd=1]`, raw]);
  const { stdout: w } = await run('vipsheader', ['-f', 'width', `${slide}[subifd=1]`]);
  const { stdout: h } = await run('vipsheader', ['-f', 'height', `${slide}[subifd=1]`]);
  expect([Number(w), Number(h)]).toEqual([1500, 1125]);
  let total = 0;
  for (const shard of plan.shards.list) {
    const file = join(out, 'shards', `${shard.id}.h5`);
    const { stdout } = await run(SYSTEM_PYTHON, ['-c', COMPARE, file, raw, w.trim(), h.trim(), '4']);
    const result = JSON.parse(stdout) as { count: number; equal: number; worst: number };
    expect(result.equal, `${file}: worst difference ${result.worst}`).toBe(result.count);
    total += result.count;
  }
  expect(total).toBe(s.grid?.count);
}, 180_000);
