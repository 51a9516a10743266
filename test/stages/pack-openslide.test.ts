// The recorded backend through plan and pack (built CLI): `--reader openslide` plans and packs the shared
// Aperio SVS with backend `openslide` recorded, and its shards hold the native run's patches (h5py reads
// both); a missing OpenSlide library (WSI_HPC_OPENSLIDE=/nonexistent.so) fails only the slides that need it,
// at plan and at pack, with exit 1 while the TIFF slides are planned and packed.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { synthPhilipsSlide, synthSlide } from '../../src/synth/index.js';
import { cli, linkSlide, makeTempDir, parseJson, SYSTEM_PYTHON, smallHePath } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let he: string;
const MISSING = { WSI_HPC_OPENSLIDE: '/nonexistent.so' };

interface SlideJson {
  name: string;
  status: string;
  backend: string | null;
  error?: { code: string; message: string; hint?: string };
}
interface ShardJson {
  shard: string;
  status: string;
  error?: { code: string; message: string; hint?: string };
}

const readPlanFile = async (run: string): Promise<PlanFile> => JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));

/** h5py: coords of both runs' shards equal, and the largest absolute pixel difference and the pixels that differ. */
function comparePatches(a: string[], b: string[]): { count: number; coordsEqual: boolean; maxAbs: number; differing: number } {
  const script = `
import h5py, json, sys
import numpy as np
n = len(sys.argv) // 2
def load(files):
    fs = [h5py.File(f, 'r') for f in files]
    return np.concatenate([f['coords'][:] for f in fs]), np.concatenate([f['patches'][:] for f in fs])
ca, pa = load(sys.argv[1:1 + n])
cb, pb = load(sys.argv[1 + n:])
d = np.abs(pa.astype(np.int16) - pb.astype(np.int16)) if pa.shape == pb.shape else None
print(json.dumps({'count': int(pa.shape[0]), 'coordsEqual': bool(ca.shape == cb.shape and (ca == cb).all()),
  'maxAbs': int(d.max()) if d is not None and d.size else -1, 'differing': int((d > 0).sum()) if d is not None else -1}))
`;
  return JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', script, ...a, ...b], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

const shardFiles = (run: string, plan: PlanFile) => plan.shards.list.map((s) => join(run, 'shards', `${s.id}.h5`));

beforeAll(async () => {
  tmp = await makeTempDir('pack-openslide');
  const found = smallHePath();
  he = join(tmp.dir, 'he', 'small_HE.svs');
  await mkdir(join(tmp.dir, 'he'));
  if (found) await linkSlide(found, he);
}, 60_000);
afterAll(() => tmp?.cleanup());

describe('plan and pack through the recorded backend', () => {
  test('--reader openslide plans and packs small_HE.svs with backend openslide; patches equal the native run', async () => {
    if (!smallHePath()) return;
    const runs = { native: join(tmp.dir, 'run-native'), openslide: join(tmp.dir, 'run-openslide') };
    for (const [reader, run] of Object.entries(runs)) {
      const p = await cli(['plan', he, '--out', run, '--reader', reader, '--patches-per-shard', '20', '--json']);
      expect(p.exitCode, String(p.stderr)).toBe(0);
      expect(parseJson<{ slides: SlideJson[] }>(p).slides[0]).toMatchObject({ status: 'planned', backend: reader });
      const k = await cli(['pack', run, '--json']);
      expect(k.exitCode, String(k.stderr)).toBe(0);
    }
    const [native, open] = [await readPlanFile(runs.native), await readPlanFile(runs.openslide)];
    expect(open.slides[0].info?.backend).toBe('openslide');
    expect(open.params.reader).toBe('openslide');
    expect(native.slides[0].info?.backend).toBe('native');
    // Same levels and MPP from both backends, hence the same grid.
    expect(open.slides[0].grid?.sha256).toBe(native.slides[0].grid?.sha256);
    const diff = comparePatches(shardFiles(runs.native, native), shardFiles(runs.openslide, open));
    expect(diff.count).toBe(native.totals.patches);
    expect(diff.count).toBeGreaterThan(0);
    expect(diff.coordsEqual).toBe(true);
    // Both decode the SVS's JPEG tiles with libjpeg-turbo: identical pixels.
    expect(diff).toMatchObject({ maxAbs: 0, differing: 0 });
  }, 240_000);

  test('OpenSlide missing: --reader openslide fails every slide with OPENSLIDE_MISSING naming file and fix (exit 1)', async () => {
    const tif = join(tmp.dir, 'one', 'generic.tif');
    await mkdir(join(tmp.dir, 'one'));
    await synthSlide({ path: tif, width: 2000, height: 1500, seed: 3, sidecarPath: join(tmp.dir, 'one.json') });
    const r = await cli(['plan', tif, '--out', join(tmp.dir, 'run-missing'), '--reader', 'openslide', '--json'], { env: MISSING });
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const s = parseJson<{ slides: SlideJson[] }>(r).slides[0];
    expect(s.status).toBe('failed');
    expect(s.error?.code).toBe('OPENSLIDE_MISSING');
    expect(s.error?.message).toContain(tif);
    expect(s.error?.message).toContain('/nonexistent.so');
    expect(s.error?.hint).toMatch(/apt install libopenslide0.*conda.*module load openslide/);
  }, 120_000);

  test('OpenSlide missing: an .ndpi in the folder fails alone, naming file and format; the TIFF slide is planned', async () => {
    const dir = join(tmp.dir, 'ndpi-cohort');
    await mkdir(dir);
    await synthSlide({ path: join(dir, 'generic.tif'), width: 2000, height: 1500, seed: 4, sidecarPath: join(tmp.dir, 'g.json') });
    await writeFile(join(dir, 'scan.ndpi'), 'not really a Hamamatsu file\n');
    const r = await cli(['plan', dir, '--out', join(tmp.dir, 'run-ndpi'), '--json'], { env: MISSING });
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const slides = parseJson<{ slides: SlideJson[] }>(r).slides;
    expect(slides.find((s) => s.name === 'generic.tif')).toMatchObject({ status: 'planned', backend: 'native' });
    const ndpi = slides.find((s) => s.name === 'scan.ndpi') as SlideJson;
    expect(ndpi.error?.code).toBe('OPENSLIDE_MISSING');
    expect(ndpi.error?.message).toMatch(new RegExp(`^${join(dir, 'scan.ndpi')}: Hamamatsu NDPI slide: .*needs OpenSlide`));
    expect(ndpi.error?.hint).toMatch(/libopenslide0/);
  }, 120_000);

  test('pack without OpenSlide: the OpenSlide slide’s shards fail with the clear error, the TIFF slide’s shards are packed', async () => {
    const dir = join(tmp.dir, 'philips-cohort');
    await mkdir(dir);
    await synthSlide({ path: join(dir, 'a-generic.tif'), width: 2000, height: 1500, seed: 5, sidecarPath: join(tmp.dir, 'a.json') });
    await synthPhilipsSlide({
      path: join(dir, 'b-philips.tiff'),
      width: 2000,
      height: 1500,
      seed: 6,
      sidecarPath: join(tmp.dir, 'b.json'),
    });
    const run = join(tmp.dir, 'run-philips');
    const p = await cli(['plan', dir, '--out', run, '--patches-per-shard', '10', '--json']);
    expect(p.exitCode, String(p.stderr)).toBe(0);
    const plan = await readPlanFile(run);
    const backend = new Map(plan.slides.map((s) => [s.id, s.info?.backend]));
    expect([...backend.values()].sort()).toEqual(['native', 'openslide']);
    const k = await cli(['pack', run, '--json'], { env: MISSING });
    expect(k.exitCode).toBe(1);
    const shards = parseJson<{ shards: ShardJson[] }>(k).shards;
    const needsOpenSlide = (id: string) =>
      plan.shards.list.find((s) => s.id === id)?.segments.some((g) => backend.get(g.slideId) === 'openslide') ?? false;
    const failed = shards.filter((s) => needsOpenSlide(s.shard));
    const packed = shards.filter((s) => !needsOpenSlide(s.shard));
    expect(failed.length).toBeGreaterThan(0);
    expect(packed.length).toBeGreaterThan(0);
    for (const s of failed) {
      expect(s.status).toBe('failed');
      expect(s.error?.code).toBe('OPENSLIDE_MISSING');
      expect(s.error?.message).toContain(join(dir, 'b-philips.tiff'));
    }
    for (const s of packed) expect(s.status).toBe('done');
  }, 240_000);
});
