// Window shards end to end through the built CLI, read back with h5py: every kept position's crop of its
// window equals the patch-layout patch of the same grid cell byte for byte (small_HE.svs and a synthetic
// slide whose windows run past its edges, two slides sharing shards), at a fraction of the bytes; resampled
// grids pack; the datasets and attributes are as docs/FORMAT.md says. Damaged shards: pack-windows-recovery.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ShardReader } from '../../src/hdf5/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { synthSlide } from '../../src/synth/index.js';
import { cli, linkSlide, makeTempDir, oracle, parseJson, SYSTEM_PYTHON, smallHePath } from '../fixtures/index.js';

interface Comparison {
  positions: number;
  windows: number;
  compared: number;
  equal: number;
  maxAbs: number;
  meanAbs: number;
  meanAbsFar: number;
  offsetsOnLattice: boolean;
  maskMatches: boolean;
  slidesMatch: boolean;
  coordsAreWindowPlusOffset: boolean;
  whiteOutside?: boolean;
  paddedEdges?: number;
  patchesInside?: boolean;
}

const py = (script: string, args: string[]): string =>
  execFileSync(SYSTEM_PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

function compare(window: string, patches: string[], slide?: [number, number]): Comparison {
  return JSON.parse(oracle('window_vs_patches.py', [JSON.stringify({ window, patches, slide })]));
}

const readPlan = async (run: string): Promise<PlanFile> => JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
const shardFiles = (run: string, plan: PlanFile) => plan.shards.list.map((s) => join(run, 'shards', `${s.id}.h5`));
const fileBytes = async (files: string[]) => (await Promise.all(files.map((f) => stat(f)))).reduce((n, s) => n + s.size, 0);

async function planAndPack(slide: string, run: string, args: string[]): Promise<PlanFile> {
  const p = await cli(['plan', slide, '--out', run, '-q', ...args]);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  const r = await cli(['pack', run, '--json']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  expect(parseJson(r).failed).toBe(0);
  return readPlan(run);
}

let tmp: { dir: string; cleanup: () => Promise<void> };
let he: string;
let edge: string;
let masks: string;
const EDGE_W = 1000;
const EDGE_H = 700;

beforeAll(async () => {
  tmp = await makeTempDir('pack-windows');
  const found = smallHePath();
  expect(found, 'small_HE.svs (../shared/testdata) is needed').not.toBeNull();
  he = join(tmp.dir, 'small_HE.svs');
  await linkSlide(found as string, he);
  // Non-square synthetic slide; a user mask keeping all of it puts kept positions against every edge.
  edge = join(tmp.dir, 'synth', 'edge.tif');
  await synthSlide({ path: edge, width: EDGE_W, height: EDGE_H, seed: 3, hasPenMarks: false });
  masks = join(tmp.dir, 'masks');
  await mkdir(masks, { recursive: true });
  await sharp({ create: { width: 100, height: 70, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .png()
    .toFile(join(masks, 'edge.png'));
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('window shards hold the same pixels as patch shards', () => {
  test('small_HE.svs, stride 16: every crop equals the patch of its grid cell; the shard is > 33x smaller', async () => {
    const wRun = join(tmp.dir, 'he-windows');
    const pRun = join(tmp.dir, 'he-patches');
    const w = await planAndPack(he, wRun, ['--stride', '16', '--layout', 'windows']);
    const p = await planAndPack(he, pRun, ['--stride', '16', '--layout', 'patches']);
    // The same grid, two layouts.
    expect(w.slides[0].grid?.sha256).toBe(p.slides[0].grid?.sha256);
    expect(w.params.windows).toEqual({ positions: 51, sidePx: 1024, source: 'auto' });
    expect(w.slides[0].grid?.windows?.count).toBe(w.totals.windows);
    expect(w.shards.list.length).toBe(1);
    const c = compare(shardFiles(wRun, w)[0], shardFiles(pRun, p));
    expect(c.positions).toBe(p.totals.patches);
    expect(c.compared).toBe(p.totals.patches);
    expect(c.equal).toBe(c.compared);
    expect(c.maxAbs).toBe(0);
    expect(c).toMatchObject({ offsetsOnLattice: true, maskMatches: true, slidesMatch: true, coordsAreWindowPlusOffset: true });
    // Bytes: the patch layout stores each tissue pixel about (224/16)^2 = 196 times; 1024 px windows of
    // 51 x 51 positions store it (1024 / (51 x 16))^2 = 1.57 times inside the tissue, more where windows
    // hold few kept positions (tissue borders, and this 2220 x 2967 slide is only 2.7 x 3.6 windows).
    // Measured 0.023 (10 windows for 9154 positions); 1/33 leaves room without hiding a per-patch layout.
    const ratio = (await fileBytes(shardFiles(wRun, w))) / (await fileBytes(shardFiles(pRun, p)));
    expect(ratio).toBeLessThan(1 / 33);
    expect(w.totals.bytes / p.totals.bytes).toBeCloseTo(((w.totals.windows ?? 0) * 1024 ** 2) / (p.totals.patches * 224 ** 2), 12);
  }, 240_000);

  test('a synthetic 1000 x 700 slide kept to its edges, k = 14: crops equal, outside the slide is white', async () => {
    const wRun = join(tmp.dir, 'edge-windows');
    const pRun = join(tmp.dir, 'edge-patches');
    const common = ['--stride', '16', '--level', '0', '--masks', masks, '--mask-mode', 'replace'];
    const w = await planAndPack(edge, wRun, [...common, '--window-positions', '14']);
    const p = await planAndPack(edge, pRun, [...common, '--layout', 'patches']);
    // Every position kept: cols = (1000 - 224) / 16 + 1 = 49, rows = (700 - 224) / 16 + 1 = 30 (floored).
    expect(p.totals.patches).toBe(49 * 30);
    expect(w.params.windows).toEqual({ positions: 14, sidePx: 224 + 13 * 16, source: 'option' });
    // ceil(49 / 14) x ceil(30 / 14) = 4 x 3 windows; the last column starts at 42 x 16 = 672 and ends at 1104 > 1000.
    expect(w.totals.windows).toBe(12);
    const c = compare(shardFiles(wRun, w)[0], shardFiles(pRun, p), [EDGE_W, EDGE_H]);
    expect(c.compared).toBe(49 * 30);
    expect(c.equal).toBe(c.compared);
    expect(c).toMatchObject({ offsetsOnLattice: true, maskMatches: true, coordsAreWindowPlusOffset: true });
    // 3 windows of the right column + 4 of the bottom row run past the slide (the corner one counts twice).
    expect(c.paddedEdges).toBe(7);
    expect(c.whiteOutside).toBe(true);
    expect(c.patchesInside).toBe(true);
  }, 240_000);

  test('--mpp 1 (resampled grid): the window plan packs and reads back; crops are close, not equal', async () => {
    // A resampled window is read as one region of round(1024 x 449 / 224) = 2053 level pixels and shrunk to
    // 1024 as a whole, while each patch is its own 449 px region shrunk to 224: the scale differs by 0.02%,
    // window origins and patch corners round to different level pixels, and Lanczos weights straddle the
    // patch border differently, so crops differ by sub-pixel shifts. Equality is not expected; closeness is.
    const wRun = join(tmp.dir, 'he-mpp1-windows');
    const pRun = join(tmp.dir, 'he-mpp1-patches');
    const w = await planAndPack(he, wRun, ['--stride', '16', '--mpp', '1']);
    const p = await planAndPack(he, pRun, ['--stride', '16', '--mpp', '1', '--layout', 'patches']);
    expect(w.slides[0].grid).toMatchObject({ isResampled: true, readSizePx: 449 });
    expect(w.params.windows?.sidePx).toBe(1024);
    const c = compare(shardFiles(wRun, w)[0], shardFiles(pRun, p));
    expect(c.compared).toBe(p.totals.patches);
    expect(c).toMatchObject({ offsetsOnLattice: true, maskMatches: true, slidesMatch: true });
    // Measured: mean |diff| 5.7 grey levels against ~40 for the patch of a far position.
    expect(c.meanAbs).toBeLessThan(8);
    expect(c.meanAbsFar).toBeGreaterThan(3 * c.meanAbs);
  }, 240_000);
  test('two slides (TIFF and SVS) sharing a shard, slides split across shards: every crop still equals its patch', async () => {
    // small_HE.svs restricted by a user mask to a 700 x 600 px block; the synthetic slide kept whole.
    const dir = join(tmp.dir, 'two');
    await mkdir(dir, { recursive: true });
    await linkSlide(he, join(dir, 'small_HE.svs'));
    await linkSlide(edge, join(dir, 'edge.tif'));
    const block = Buffer.alloc(222 * 297 * 3);
    for (let y = 100; y < 160; y++) block.fill(255, (y * 222 + 80) * 3, (y * 222 + 150) * 3);
    await sharp(block, { raw: { width: 222, height: 297, channels: 3 } })
      .png()
      .toFile(join(masks, 'small_HE.png'));
    const common = ['--stride', '16', '--level', '0', '--masks', masks, '--mask-mode', 'replace'];
    const wRun = join(tmp.dir, 'two-windows');
    const pRun = join(tmp.dir, 'two-patches');
    const w = await planAndPack(dir, wRun, [...common, '--window-positions', '14', '--patches-per-shard', '1500']);
    const p = await planAndPack(dir, pRun, [...common, '--layout', 'patches']);
    expect(w.shards.list.length).toBeGreaterThan(2);
    expect(w.shards.list.some((s) => s.segments.length === 2)).toBe(true);
    const patchFiles = shardFiles(pRun, p);
    let compared = 0;
    for (const file of shardFiles(wRun, w)) {
      const c = compare(file, patchFiles);
      expect(c.equal, file).toBe(c.positions);
      expect(c.compared, file).toBe(c.positions);
      expect(c, file).toMatchObject({ maskMatches: true, slidesMatch: true, coordsAreWindowPlusOffset: true });
      compared += c.compared;
    }
    expect(compared).toBe(p.totals.patches);
  }, 240_000);
});

describe('window shard format', () => {
  test('h5dump and h5py read the documented datasets, dtypes and attributes; the TS reader agrees', async () => {
    const run = join(tmp.dir, 'edge-windows');
    const plan = await readPlan(run);
    const file = shardFiles(run, plan)[0];
    const m = plan.totals.windows as number;
    const n = plan.totals.patches;
    const dump = execFileSync('h5dump', ['-H', file], { encoding: 'utf8' });
    const ds = (name: string, type: string, shape: string) =>
      expect(dump).toMatch(new RegExp(`DATASET "${name}" \\{\\s*DATATYPE\\s+${type}\\s*DATASPACE\\s+SIMPLE \\{ \\( ${shape} \\)`));
    ds('windows', 'H5T_STD_U8LE', `${m}, 432, 432, 3`);
    ds('window_coords', 'H5T_STD_I64LE', `${m}, 2`);
    ds('window_mask', 'H5T_STD_U8LE', `${m}, 14, 14`);
    ds('window_slide_index', 'H5T_STD_I32LE', `${m}`);
    ds('window_index', 'H5T_STD_I32LE', `${n}`);
    ds('window_offset', 'H5T_STD_I32LE', `${n}, 2`);
    ds('coords', 'H5T_STD_I64LE', `${n}, 2`);
    ds('slide_index', 'H5T_STD_I32LE', `${n}`);
    ds('grid_index', 'H5T_STD_I32LE', `${n}`);
    expect(dump).not.toContain('DATASET "patches"');
    const attrs = JSON.parse(
      py(
        `import h5py, sys, json
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({k: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, 'item') else v) for k, v in f.attrs.items()}))`,
        [file],
      ),
    );
    expect(attrs).toEqual({
      layout: 'windows',
      layout_version: 2,
      window_positions: 14,
      window_size: 432,
      window_count: m,
      count: n,
      patch_size: 224,
      stride: 16,
      shard_id: 'shard-00000',
      plan_hash: plan.planHash,
    });
    const reader = await ShardReader.open(file);
    try {
      expect([reader.kind, reader.units, reader.unitSizePx, reader.count, reader.patchSizePx]).toEqual(['windows', m, 432, n, 224]);
      const t = reader.readWindowTables();
      expect([t.positions, t.sidePx, t.coords.length, t.mask.length, t.positionWindow.length]).toEqual([14, 432, 2 * m, m * 196, n]);
    } finally {
      reader.close();
    }
  });
});
