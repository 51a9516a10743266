// A vendor format other than SVS/generic TIFF through the whole built CLI: a generated Philips TIFF
// (src/synth synthPhilipsSlide) is planned by OpenSlide (auto reader) with the MPP of its XML, packed
// with OpenSlide's pixels (h5py vs python OpenSlide), inferred with a tiny model and merged.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { synthPhilipsSlide } from '../../src/synth/index.js';
import { cli, makeTempDir, oracle, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';
import { openSlideOracle } from '../slide/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slidesDir: string;
let slide: string;
let model: string;

beforeAll(async () => {
  tmp = await makeTempDir('vendor-slide');
  slidesDir = join(tmp.dir, 'slides');
  slide = join(slidesDir, 'philips-80x.tiff');
  // 0.125 µm/px: level 1 (downsample 4) is exactly the model's 0.5 µm/px, so patches are OpenSlide's pixels unresampled.
  await synthPhilipsSlide({
    path: slide,
    width: 8000,
    height: 6000,
    mppX: 0.125,
    seed: 23,
    sidecarPath: join(tmp.dir, 'philips.geometry.json'),
  });
  model = await writeTinyModel(tmp.dir);
}, 120_000);
afterAll(() => tmp?.cleanup());

test('a Philips TIFF goes plan (OpenSlide, MPP from the Philips XML) -> pack (= python OpenSlide regions) -> infer -> merge, exit 0', async () => {
  const run = join(tmp.dir, 'run');
  const planned = await cli(['plan', slidesDir, '--out', run, '--patches-per-shard', '4', '--json']);
  expect(planned.exitCode, String(planned.stderr)).toBe(0);
  expect(parseJson(planned).slides.map((s: { backend: string }) => s.backend)).toEqual(['openslide']);

  const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
  const [entry] = plan.slides;
  const facts = await openSlideOracle(slide, tmp.dir);
  expect(entry.status).toBe('planned');
  expect(entry.info).toMatchObject({ backend: 'openslide', format: 'openslide', vendor: 'philips', mpp: 0.125, mppSource: 'openslide' });
  expect(entry.info?.levels.map((l) => [l.width, l.height])).toEqual(facts.levelDimensions);
  expect(entry.grid).toMatchObject({ level: 1, downsample: 4, isResampled: false, readSizePx: 224 });
  expect(entry.grid?.count).toBeGreaterThan(5);

  const packed = await cli(['pack', run, '--json']);
  expect(packed.exitCode, String(packed.stderr)).toBe(0);
  const shards = (await readdir(join(run, 'shards'))).filter((f) => f.endsWith('.h5')).map((f) => join(run, 'shards', f));
  expect(shards.length).toBe(plan.shards.list.length);
  // Every packed patch equals python OpenSlide's read_region at its grid position and the planned level (h5py read-back).
  const checks = JSON.parse(oracle('shard_vs_openslide.py', [join(run, 'plan.json'), ...shards])) as {
    count: number;
    compared: number;
    worstMae: number;
  }[];
  expect(checks.reduce((n, c) => n + c.compared, 0)).toBe(entry.grid?.count);
  for (const c of checks) expect(c.worstMae).toBe(0);

  const inferred = await cli(['infer', run, '--model', model, '--json']);
  expect(inferred.exitCode, String(inferred.stderr)).toBe(0);
  const merged = await cli(['merge', run, '--json']);
  expect(merged.exitCode, String(merged.stderr)).toBe(0);
  const [result] = parseJson(merged).slides;
  expect(result).toMatchObject({ name: 'philips-80x.tiff', status: 'merged' });
  expect(result.scores.patches).toBe(entry.grid?.count);
});

test('the native reader refuses the same file (levels and MPP live only in the Philips XML), naming the format and OpenSlide; exit 1', async () => {
  for (const extra of [[], ['--slide-mpp', '0.125']]) {
    const r = await cli(['plan', slide, '--out', join(tmp.dir, `run-native-${extra.length}`), '--reader', 'native', '--json', ...extra]);
    expect(r.exitCode).toBe(1);
    const [failed] = parseJson(r).slides;
    expect(failed.status).toBe('failed');
    expect(failed.error.code).toBe('UNSUPPORTED_LAYOUT');
    expect(failed.error.message).toContain('a Philips TIFF');
    expect(failed.error.hint).toMatch(/OpenSlide/);
  }
});

test('without OpenSlide (WSI_HPC_OPENSLIDE pointing nowhere) the Philips slide fails alone with the reason and how to install OpenSlide', async () => {
  const r = await cli(['plan', slide, '--out', join(tmp.dir, 'run-no-openslide'), '--json'], {
    env: { WSI_HPC_OPENSLIDE: join(tmp.dir, 'missing-libopenslide.so') },
  });
  expect(r.exitCode).toBe(1);
  const [failed] = parseJson(r).slides;
  expect(failed.status).toBe('failed');
  expect(failed.error.message).toContain('a Philips TIFF');
  expect(failed.error.message).toMatch(/OpenSlide, which might read it, is not available/);
  expect(failed.error.hint).toMatch(/apt|conda|module load/);
});
