// The plan stage end to end through the built CLI, on a mixed folder: synthetic generic TIFF and
// Aperio SVS slides, the real small_HE.svs, a truncated slide and a non-TIFF file.
import { readFile, stat, utimes } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeGrid } from '../../src/grid/index.js';
import { rasterizePolygons } from '../../src/geometry/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { sha256 } from '../../src/util/hash.js';
import { addBrokenSlides, cli, linkSlide, makeCohort, makeTempDir, parseJson, smallHePath } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slidesDir: string;
let run: string;
let plan: PlanFile;
let firstJson: { totals: PlanFile['totals'] };
let cohort: Awaited<ReturnType<typeof makeCohort>>;

beforeAll(async () => {
  tmp = await makeTempDir('plan');
  slidesDir = join(tmp.dir, 'slides');
  run = join(tmp.dir, 'run');
  cohort = await makeCohort(slidesDir, 3, 6000, 4500, 11);
  const he = smallHePath();
  if (he) await linkSlide(he, join(slidesDir, 'small_HE.svs'));
  await addBrokenSlides(slidesDir, join(slidesDir, cohort.manifest.slides.find((s) => s.flavour === 'aperio')?.file ?? ''));
  const r = await cli(['plan', slidesDir, '--out', run, '--json', '--patches-per-shard', '200']);
  expect(r.exitCode, String(r.stderr)).toBe(1);
  firstJson = parseJson(r);
  plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
});
afterAll(() => tmp?.cleanup());

describe('wsi-hpc plan on a mixed folder', () => {
  test('plans every readable slide and reports the broken ones with code, file and reason', () => {
    const byName = new Map(plan.slides.map((s) => [s.name, s]));
    const readable = cohort.manifest.slides.length + (smallHePath() ? 1 : 0);
    expect(plan.totals).toMatchObject({ slides: readable + 2, planned: readable, failed: 2 });
    expect(byName.get('broken-truncated.svs')?.error).toMatchObject({
      code: 'SLIDE_TRUNCATED',
      message: expect.stringContaining('broken-truncated.svs'),
    });
    expect(byName.get('notes.tif')?.error).toMatchObject({ code: 'SLIDE_NOT_TIFF', message: expect.stringContaining('notes.tif') });
    expect(firstJson.totals.failed).toBe(2);
    expect(plan.schemaVersion).toBe(1);
  });

  test('records format, levels and MPP of generic TIFF and Aperio slides', () => {
    const formats = new Set(plan.slides.filter((s) => s.info).map((s) => s.info?.format));
    expect(formats).toEqual(new Set(['generic-tiff', 'aperio-svs']));
    for (const s of plan.slides.filter((x) => x.status === 'planned')) {
      expect(s.info?.levels[0]).toMatchObject({ width: s.info?.width, height: s.info?.height, downsample: 1 });
      expect(s.info?.mpp).toBeGreaterThan(0.4);
      expect(s.tissue?.sourceLevel).toBeGreaterThanOrEqual(0);
    }
    const he = plan.slides.find((s) => s.name === 'small_HE.svs');
    if (smallHePath()) expect(he?.info).toMatchObject({ format: 'aperio-svs', mpp: 0.499, mppSource: 'aperio', objectivePower: 20 });
  });

  test('writes grid, mask, QC picture and tissue GeoJSON whose contents agree with the plan', async () => {
    for (const s of plan.slides.filter((x) => x.status === 'planned')) {
      const g = s.grid as NonNullable<typeof s.grid>;
      const bytes = await readFile(join(run, g.file));
      expect(sha256(bytes)).toBe(g.sha256);
      const grid = decodeGrid(bytes);
      expect(grid.tissue.length).toBe(g.count);
      for (let i = 0; i < g.count; i++) {
        expect(grid.tissue[i]).toBeGreaterThanOrEqual(plan.params.grid.minTissue);
        expect(grid.coords[2 * i] + g.footprintLevel0).toBeLessThanOrEqual((s.info?.width ?? 0) + 1e-6);
        expect(grid.coords[2 * i + 1] + g.footprintLevel0).toBeLessThanOrEqual((s.info?.height ?? 0) + 1e-6);
      }
      const mask = await sharp(join(run, s.outputs?.mask ?? '')).metadata();
      expect([mask.width, mask.height]).toEqual([s.tissue?.maskWidth, s.tissue?.maskHeight]);
      expect((await sharp(join(run, s.outputs?.qc ?? '')).metadata()).format).toBe('png');
      const geo = JSON.parse(await readFile(join(run, s.outputs?.tissue ?? ''), 'utf8'));
      expect(geo.type).toBe('FeatureCollection');
      expect(geo.features.length).toBeGreaterThan(0);
      for (const f of geo.features) {
        for (const [x, y] of f.geometry.coordinates[0]) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual((s.info?.width ?? 0) + 64);
          expect(y).toBeLessThanOrEqual((s.info?.height ?? 0) + 64);
        }
      }
    }
  });

  test('the tissue mask matches the synthetic ground truth and leaves pen strokes out', async () => {
    for (const entry of cohort.manifest.slides) {
      const s = plan.slides.find((x) => x.name === entry.file);
      const t = s?.tissue as NonNullable<NonNullable<typeof s>['tissue']>;
      const sidecar = JSON.parse(await readFile(join(slidesDir, entry.sidecar), 'utf8'));
      const { data } = await sharp(join(run, s?.outputs?.mask ?? ''))
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const truth = rasterizePolygons(sidecar.tissue, t.maskWidth, t.maskHeight, 1 / t.scaleX);
      const pens = rasterizePolygons(
        sidecar.pens.map((p: { outline: unknown }) => p.outline),
        t.maskWidth,
        t.maskHeight,
        1 / t.scaleX,
      );
      let inter = 0;
      let union = 0;
      let onPenOnly = 0;
      let penOnly = 0;
      for (let i = 0; i < truth.length; i++) {
        const m = data[i] > 127 ? 1 : 0;
        inter += m & truth[i];
        union += m | truth[i];
        if (pens[i] && !truth[i]) {
          penOnly++;
          onPenOnly += m;
        }
      }
      expect(inter / union, entry.file).toBeGreaterThan(0.85);
      if (penOnly > 0) expect(onPenOnly / penOnly, `${entry.file} pen pixels called tissue`).toBeLessThan(0.02);
    }
  });

  test('a rerun reuses unchanged slides, retries failed ones and replans a touched slide', async () => {
    const planned = plan.slides.filter((s) => s.status === 'planned');
    const gridMtimes = await Promise.all(planned.map((s) => stat(join(run, s.grid?.file ?? '')).then((st) => st.mtimeMs)));
    const again = parseJson(await cli(['plan', slidesDir, '--out', run, '--json', '--patches-per-shard', '200']));
    expect(new Set(again.reused)).toEqual(new Set(planned.map((s) => s.id)));
    expect(again.totals.failed).toBe(2);
    expect(await Promise.all(planned.map((s) => stat(join(run, s.grid?.file ?? '')).then((st) => st.mtimeMs)))).toEqual(gridMtimes);
    const touched = planned.find((s) => s.name.startsWith('slide-')) as (typeof planned)[number];
    const future = new Date(Date.now() + 60_000);
    await utimes(touched.path, future, future);
    const third = parseJson(await cli(['plan', slidesDir, '--out', run, '--json', '--patches-per-shard', '200']));
    expect(third.reused).not.toContain(touched.id);
    expect(third.reused.length).toBe(planned.length - 1);
  });

  test('--dry-run prints the same plan and writes nothing', async () => {
    const out = join(tmp.dir, 'dry');
    const r = await cli(['plan', slidesDir, '--out', out, '--dry-run', '--json', '--patches-per-shard', '200']);
    const json = parseJson(r);
    expect(json.dryRun).toBe(true);
    expect(json.totals).toEqual(firstJson.totals);
    expect(json.shards.length).toBe(plan.shards.list.length);
    expect(existsSync(out)).toBe(false);
  });

  test('shards cover every planned patch once with balanced sizes', () => {
    const total = plan.slides.reduce((n, s) => n + (s.grid?.count ?? 0), 0);
    expect(plan.shards.list.reduce((n, s) => n + s.patches, 0)).toBe(total);
    const sizes = plan.shards.list.map((s) => s.patches);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(plan.tasks.pack.flatMap((t) => t.shards)).toEqual(plan.shards.list.map((s) => s.index));
  });

  test('human output lists every slide with its status and the totals', async () => {
    const r = await cli(['plan', slidesDir, '--out', run, '--patches-per-shard', '200']);
    expect(r.exitCode).toBe(1);
    expect(String(r.stdout)).toMatch(/broken-truncated\.svs .*FAILED SLIDE_TRUNCATED/);
    expect(String(r.stdout)).toMatch(/slides: \d+ planned, 2 failed/);
    expect(String(r.stderr)).toContain('2 slide(s) failed');
  });
});

describe('plan options and errors', () => {
  test('a missing input is a usage error (exit 2) naming it', async () => {
    const r = await cli(['plan', '/nonexistent/slides', '--out', '/tmp/never', '--json']);
    expect(r.exitCode).toBe(2);
    expect(parseJson(r).error).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('/nonexistent/slides') });
  });

  test('an invalid option value is exit 2 with the expected message', async () => {
    const r = await cli(['plan', slidesDir, '--out', join(tmp.dir, 'bad'), '--stride', '0']);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toContain('Expected `--stride` to be a positive integer, received `0` (number)');
  });

  test('--level reads patches at a pyramid level and scales the footprint', async () => {
    const json = parseJson(
      await cli(['plan', join(slidesDir, cohort.manifest.slides[0].file), '--out', join(tmp.dir, 'lvl'), '--level', '1', '--json']),
    );
    const p: PlanFile = JSON.parse(await readFile(join(tmp.dir, 'lvl', 'plan.json'), 'utf8'));
    expect(json.totals.planned).toBe(1);
    expect(p.slides[0].grid).toMatchObject({ level: 1, readSizePx: 224, footprintLevel0: 224 * 4, isResampled: false });
  });
});
