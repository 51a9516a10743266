// The "done when" folder through the built CLI: an Aperio SVS, a generic TIFF, a SubIFD
// (OME-TIFF style) pyramid, a generated Philips TIFF and two files no backend reads. plan (auto reader)
// gives each slide the right backend and lists the skipped files with reasons; pack packs them all.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { synthPhilipsSlide, synthSlide } from '../../src/synth/index.js';
import { cli, linkSlide, makeTempDir, oracle, parseJson, smallHePath } from '../fixtures/index.js';

const run = promisify(execFile);
let tmp: { dir: string; cleanup: () => Promise<void> };
let slidesDir: string;
const smallHe = smallHePath();

beforeAll(async () => {
  tmp = await makeTempDir('vendor-mixed');
  slidesDir = join(tmp.dir, 'slides');
  await mkdir(slidesDir);
  const sidecar = (name: string) => join(tmp.dir, `${name}.geometry.json`);
  if (smallHe) await linkSlide(smallHe, join(slidesDir, 'small_HE.svs'));
  const generic = join(slidesDir, 'generic.tif');
  await synthSlide({ path: generic, width: 3000, height: 2500, seed: 31, sidecarPath: sidecar('generic') });
  // 2000 px/mm = 0.5 µm/px; levels 1.. go to SubIFDs of IFD 0.
  await run('vips', [
    'tiffsave',
    generic,
    join(slidesDir, 'ome-subifd.tif'),
    ...['--tile', '--pyramid', '--subifd', '--compression', 'jpeg', '--Q', '90', '--tile-width', '256', '--tile-height', '256'],
    ...['--xres', '2000', '--yres', '2000'],
  ]);
  await synthPhilipsSlide({
    path: join(slidesDir, 'philips.tiff'),
    width: 4000,
    height: 3000,
    mppX: 0.25,
    seed: 37,
    sidecarPath: sidecar('philips'),
  });
  await writeFile(join(slidesDir, 'scan.czi'), Buffer.from('ZISRAWFILE\0\0\0\0\0\0'));
  await writeFile(join(slidesDir, 'notes.txt'), 'slide list for the tumour board\n');
}, 180_000);
afterAll(() => tmp?.cleanup());

test('a mixed folder plans each slide with the right backend, lists the unsupported files with reasons, and packs, exit 0', async () => {
  const out = join(tmp.dir, 'run');
  const planned = await cli(['plan', slidesDir, '--out', out, '--patches-per-shard', '64', '--json']);
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
  const report = parseJson(planned);
  const names = ['generic.tif', 'ome-subifd.tif', 'philips.tiff', ...(smallHe ? ['small_HE.svs'] : [])];
  expect(report.totals).toMatchObject({ slides: names.length, planned: names.length, failed: 0 });
  const skipped = [...report.skipped].sort((a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path));
  expect(skipped).toEqual([
    { path: join(slidesDir, 'notes.txt'), reason: 'unsupported-format', detail: expect.stringContaining('unsupported format .txt') },
    { path: join(slidesDir, 'scan.czi'), reason: 'unsupported-format', detail: expect.stringContaining('Zeiss CZI') },
  ]);

  const plan = JSON.parse(await readFile(join(out, 'plan.json'), 'utf8')) as PlanFile;
  const byName = new Map(plan.slides.map((s) => [s.name, s]));
  expect([...byName.keys()].sort()).toEqual(names);
  if (smallHe) expect(byName.get('small_HE.svs')?.info).toMatchObject({ backend: 'native', format: 'aperio-svs', mppSource: 'aperio' });
  expect(byName.get('generic.tif')?.info).toMatchObject({ backend: 'native', format: 'generic-tiff', mppSource: 'tiff-resolution' });
  const subifd = byName.get('ome-subifd.tif')?.info;
  expect(subifd).toMatchObject({ backend: 'native', format: 'generic-tiff', width: 3000, height: 2500 });
  // Every SubIFD vips wrote is a level (the old reader saw one 3000 x 2500 level).
  const { stdout: subIfds } = await run('vipsheader', ['-f', 'n-subifds', join(slidesDir, 'ome-subifd.tif')]);
  expect(subifd?.levels.length).toBe(1 + Number(subIfds));
  expect(subifd?.levels.map((l) => Math.round(l.downsample))).toEqual([1, 2, 4, 8, 16]);
  expect(byName.get('philips.tiff')?.info).toMatchObject({ backend: 'openslide', vendor: 'philips', mpp: 0.25, mppSource: 'openslide' });
  for (const s of plan.slides) expect(s.grid?.count, s.name).toBeGreaterThan(0);

  const packed = await cli(['pack', out, '--json']);
  expect(packed.exitCode, String(packed.stderr)).toBe(0);
  const shards = parseJson(packed).shards as { shard: string; status: string; patches: number }[];
  expect(shards.map((s) => s.status)).toEqual(plan.shards.list.map(() => 'done'));
  expect(shards.reduce((n, s) => n + s.patches, 0)).toBe(plan.totals.patches);
  // Patches read at level 0 (all but the 0.25 µm/px Philips slide, resampled to 0.5) equal python OpenSlide's regions (h5py).
  const files = plan.shards.list.map((s) => join(out, 'shards', `${s.id}.h5`));
  const checks = JSON.parse(oracle('shard_vs_openslide.py', [join(out, 'plan.json'), ...files])) as {
    compared: number;
    worstMae: number;
  }[];
  const philipsCount = byName.get('philips.tiff')?.grid?.count ?? 0;
  expect(checks.reduce((n, c) => n + c.compared, 0)).toBe(plan.totals.patches - philipsCount);
  for (const c of checks) expect(c.worstMae).toBeLessThan(1.5);
});
