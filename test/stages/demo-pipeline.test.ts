// The whole chain on a fresh synthetic cohort with the trained demo model: plan -> pack -> infer
// -> merge -> evaluate. Tumour heatmaps must match the ground truth (patch-level AUC) and tumour
// regions must land on annotated tumours.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pointInPolygon, readAsapXml } from '../../src/geometry/index.js';
import { trainDemoModel } from '../../src/model/zoo/index.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;

beforeAll(async () => {
  tmp = await makeTempDir('demo-pipeline');
  const trained = await trainDemoModel({
    outDir: join(tmp.dir, 'models'),
    cohortDir: join(tmp.dir, 'train'),
    slides: 5,
    width: 6000,
    height: 4500,
    seed: 3,
    patchesPerSlide: 150,
  });
  model = trained.onnxPath;
});
afterAll(() => tmp?.cleanup());

test('plan -> pack -> infer -> merge -> evaluate gives heatmaps that match the ground truth', async () => {
  const slides = join(tmp.dir, 'eval');
  const cohort = await makeCohort(slides, 4, 8000, 6000, 97);
  const run = join(tmp.dir, 'run');
  expect((await cli(['plan', slides, '--out', run, '--patches-per-shard', '400', '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
  expect((await cli(['infer', run, '--model', model, '-q'])).exitCode).toBe(0);
  const merged = parseJson(await cli(['merge', run, '--json']));
  const evaluation = parseJson(await cli(['evaluate', run, '--annotations', join(slides, 'annotations'), '--json']));
  expect(evaluation.tumourPatches).toBeGreaterThan(10);
  expect(evaluation.patchAuc).toBeGreaterThan(0.95);
  for (const entry of cohort.manifest.slides) {
    const m = merged.slides.find((s: { name: string }) => s.name === entry.file);
    const regions = JSON.parse(await readFile(join(run, m.regions), 'utf8'));
    if (!entry.hasTumour) {
      expect(m.scores.max, `${entry.file} (normal) max score`).toBeLessThan(0.5);
      continue;
    }
    const truth = readAsapXml(await readFile(join(slides, entry.annotations ?? ''), 'utf8'));
    expect(regions.features.length, `${entry.file} tumour regions`).toBeGreaterThan(0);
    // Most of the predicted tumour area lies on annotated tumour, give or take one patch (regions are
    // unions of 224 px cells, so their edges are up to a patch off), sampled on a 32 px lattice.
    const near = (x: number, y: number) =>
      truth.some((t) =>
        [
          [0, 0],
          [224, 0],
          [-224, 0],
          [0, 224],
          [0, -224],
        ].some(([dx, dy]) => pointInPolygon(t, x + dx, y + dy)),
      );
    let inside = 0;
    let total = 0;
    for (const f of regions.features) {
      const poly = { rings: f.geometry.coordinates as [number, number][][] };
      const xs = poly.rings[0].map((p) => p[0]);
      const ys = poly.rings[0].map((p) => p[1]);
      for (let y = Math.min(...ys); y <= Math.max(...ys); y += 32) {
        for (let x = Math.min(...xs); x <= Math.max(...xs); x += 32) {
          if (!pointInPolygon(poly, x, y)) continue;
          total++;
          if (near(x, y)) inside++;
        }
      }
    }
    expect(inside / total, `${entry.file}: share of predicted tumour area on annotated tumour`).toBeGreaterThan(0.7);
  }
});
