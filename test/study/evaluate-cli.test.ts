// `wsi-hpc evaluate` through the built CLI: a run with a failed and uninferred shards exits 1 naming
// them (JSON error RUN_INCOMPLETE) unless --partial; CAMELYON16 `_2` polygons are subtracted from
// the tumour, and the group options change that.
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { pointInPolygon, readAsapXml, renderAsapXml } from '../../src/geometry/index.js';
import { decodeGrid } from '../../src/grid/index.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let model: string;
beforeAll(async () => {
  tmp = await makeTempDir('evaluate-cli');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 4000, 3000, 5);
  model = await writeTinyModel(tmp.dir);
}, 120_000);
afterAll(() => tmp?.cleanup());

test('evaluate refuses a run with a failed and uninferred shards (exit 1, naming them) unless --partial', async () => {
  const run = join(tmp.dir, 'partial');
  expect((await cli(['plan', slides, '--out', run, '--patches-per-shard', '20', '--shards-per-task', '1', '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
  const shards = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')).shards.list.map((s: { id: string }) => s.id);
  expect(shards.length).toBeGreaterThanOrEqual(3);
  // Task 0 is inferred; task 1 fails for real (its shard file is gone); the rest are never inferred.
  await rm(join(run, 'shards', `${shards[1]}.h5`));
  expect((await cli(['infer', run, '--model', model, '--task', '0', '-q'])).exitCode).toBe(0);
  expect((await cli(['infer', run, '--model', model, '--task', '1', '-q'])).exitCode).toBe(1);
  const annotations = join(slides, 'annotations');

  const r = await cli(['evaluate', run, '--annotations', annotations]);
  expect(r.exitCode).toBe(1);
  const stderr = String(r.stderr);
  expect(stderr).toContain(`${shards.length - 1} of ${shards.length} shard(s) have no predictions: ${shards[1]} (failed: `);
  expect(stderr).toContain(`${shards[2]} (not inferred; slides `);
  expect(stderr).toContain('pass --partial');
  expect(String(r.stdout)).toBe('');

  const j = await cli(['evaluate', run, '--annotations', annotations, '--json']);
  expect(j.exitCode).toBe(1);
  expect(parseJson(j).error.code).toBe('RUN_INCOMPLETE');

  const p = await cli(['evaluate', run, '--annotations', annotations, '--partial', '--json']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  const e = parseJson(p);
  expect(e.incompleteShards.map((s: { shard: string }) => s.shard)).toEqual(shards.slice(1));
  expect(e.incompleteShards[0].reason).toMatch(/^failed: .*cannot open the shard/);
  expect(e.patches).toBeGreaterThan(0);
  expect(e.slides.every((s: { isComplete: boolean }) => s.isComplete === false)).toBe(true);
}, 300_000);

test('evaluate subtracts CAMELYON16 `_2` polygons from the tumour; a group in neither list is left out with a warning naming the file', async () => {
  const run = join(tmp.dir, 'full');
  expect((await cli(['plan', slides, '--out', run, '--stride', '112', '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
  expect((await cli(['infer', run, '--model', model, '-q'])).exitCode).toBe(0);
  // CAMELYON16 groups: the synthetic tumours as `_0`, and a `_2` over the left half of each tumour's bounding box.
  const synth = readAsapXml(await readFile(join(slides, 'annotations', 'slide-001.xml'), 'utf8'));
  const tumours = synth.map((p) => ({ ...p, group: '_0' }));
  const holes = synth.map((p, k) => {
    const xs = p.rings[0].map((q) => q[0]);
    const ys = p.rings[0].map((q) => q[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), (Math.min(...xs) + Math.max(...xs)) / 2, Math.min(...ys), Math.max(...ys)];
    return {
      name: `hole ${k}`,
      group: '_2',
      rings: [
        [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
        ] as [number, number][],
      ],
    };
  });
  const annotations = join(tmp.dir, 'camelyon16');
  await mkdir(annotations);
  await writeFile(join(annotations, 'slide-001.xml'), renderAsapXml([...tumours, ...holes]));
  // Expected labels, computed here from the grid: centre in a `_0` polygon and in no `_2` polygon.
  const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
  const s = plan.slides.find((x: { name: string }) => x.name === 'slide-001.tif');
  const grid = decodeGrid(await readFile(join(run, s.grid.file)));
  let inTumour = 0;
  let inTumourNotHole = 0;
  for (let i = 0; i < grid.coords.length / 2; i++) {
    const [x, y] = [grid.coords[2 * i] + s.grid.footprintLevel0 / 2, grid.coords[2 * i + 1] + s.grid.footprintLevel0 / 2];
    const t = tumours.some((p) => pointInPolygon(p, x, y));
    inTumour += t ? 1 : 0;
    inTumourNotHole += t && !holes.some((p) => pointInPolygon(p, x, y)) ? 1 : 0;
  }
  expect(inTumourNotHole).toBeGreaterThan(0);
  expect(inTumourNotHole).toBeLessThan(inTumour);

  const e = parseJson(await cli(['evaluate', run, '--annotations', annotations, '--json']));
  expect(e.slides.find((x: { name: string }) => x.name === 'slide-001.tif').tumourPatches).toBe(inTumourNotHole);
  expect(e.groups).toEqual({ tumour: ['_0', '_1', 'Tumor', 'metastases'], exclude: ['_2', 'Exclusion'] });

  const asTumour = parseJson(
    await cli(['evaluate', run, '--annotations', annotations, '--tumour-groups', '_0', '--exclude-groups', 'none', '--json']),
  );
  // `_2` is now in neither list: left out (so only `_0` counts) with a warning naming the file and the group.
  expect(asTumour.slides.find((x: { name: string }) => x.name === 'slide-001.tif').tumourPatches).toBe(inTumour);
  expect(asTumour.warnings).toEqual([expect.stringContaining(`${join(annotations, 'slide-001.xml')}: ignored annotation group(s) "_2"`)]);
}, 300_000);
