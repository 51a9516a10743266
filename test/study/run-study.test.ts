// `wsi-hpc study` end to end on a small synthetic cohort at two strides: accuracy equal to an
// independent computation (Python: h5py, ElementTree, ray casting, Mann-Whitney), costs that grow as
// the stride shrinks, the files and the frontier picture; a rerun reports stored timings as reused
// (identical cost figures) and a configuration without stored timings is measured afresh.
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, makeCohort, makeTempDir, parseJson, ROOT, SYSTEM_PYTHON } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let args: string[];
let out: string;
let slides: string;
beforeAll(async () => {
  tmp = await makeTempDir('study');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 3, 4000, 3000, 83);
  const model = await writeTinyModel(tmp.dir);
  out = join(tmp.dir, 'study');
  args = ['study', slides, '--annotations', join(slides, 'annotations'), '--model', model, '--vary', 'stride=224,112', '--sample', '3'];
  args.push('--cohort-slides', '399', '--cores', '4000', '--out', out, '--json');
}, 120_000);
afterAll(() => tmp?.cleanup());

interface Row {
  config: string;
  patches: number;
  patchesPerSlide: number;
  slides: number;
  reused: boolean;
  measuredAt: string;
  coreSecondsPerSlide: number;
  wallSecondsPerSlide: number;
  bytesPacked: number;
  patchAuc: number;
  slideAuc: number;
  froc: number | null;
  cohortCoreHours: number;
}

let first: Row[];

test('a study at two strides scores each configuration exactly as an independent computation does', async () => {
  const r = await cli(args);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  first = parseJson(r).table;
  expect(first.map((t) => t.config)).toEqual(['stride-224', 'stride-112']);
  for (const t of first) {
    const oracle = JSON.parse(
      execFileSync(
        SYSTEM_PYTHON,
        [join(ROOT, 'test/study/oracles/patch_auc.py'), join(out, 'configs', t.config), join(slides, 'annotations')],
        {
          encoding: 'utf8',
        },
      ),
    );
    expect(oracle.tumourPatches, t.config).toBeGreaterThan(0);
    expect(t.patches).toBe(oracle.patches);
    expect(t.patchAuc).toBeCloseTo(oracle.patchAuc, 10);
    expect(t.slideAuc).toBeCloseTo(oracle.slideAuc, 10);
    // The tiny model separates the synthetic tumour (dark, blue) well, but not perfectly.
    expect(t.patchAuc).toBeGreaterThan(0.8);
    expect(t.slides).toBe(3);
    expect(t.reused).toBe(false);
    expect(t.cohortCoreHours).toBeCloseTo((t.coreSecondsPerSlide * 399) / 3600, 6);
  }
  const [a, b] = first;
  expect(b.patchesPerSlide / a.patchesPerSlide).toBeGreaterThan(3);
  expect(b.bytesPacked).toBeGreaterThan(a.bytesPacked);
  expect(b.coreSecondsPerSlide).toBeGreaterThan(a.coreSecondsPerSlide);
  const csv = (await readFile(join(out, 'study.csv'), 'utf8')).trim().split('\n');
  expect(csv.length).toBe(3);
  expect(csv[0]).toContain('reused,measuredAt');
  expect(await readFile(join(out, 'frontier.svg'), 'utf8')).toContain('stride-112');
  const png = await sharp(join(out, 'frontier.png')).metadata();
  expect([png.format, png.width, png.height]).toEqual(['png', 720, 480]);
}, 600_000);

test('the same study run again reports the stored timings as reused: identical cost figures', async () => {
  const r = await cli(args);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const again: Row[] = parseJson(r).table;
  for (const [k, t] of again.entries()) {
    expect(t.reused, t.config).toBe(true);
    expect(t.measuredAt).toBe(first[k].measuredAt);
    expect(t.coreSecondsPerSlide).toBe(first[k].coreSecondsPerSlide);
    expect(t.wallSecondsPerSlide).toBe(first[k].wallSecondsPerSlide);
    expect(t.patchAuc).toBe(first[k].patchAuc);
  }
  expect(JSON.parse(await readFile(join(out, 'study.json'), 'utf8')).table.map((t: Row) => t.reused)).toEqual([true, true]);
}, 600_000);

test('a configuration without stored timings (an interrupted run) is measured afresh, not reported from skipped work', async () => {
  await rm(join(out, 'configs', 'stride-224', 'timings.json'));
  const r = await cli(args);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const [a, b]: Row[] = parseJson(r).table;
  expect([a.reused, b.reused]).toEqual([false, true]);
  expect(a.measuredAt > first[0].measuredAt).toBe(true);
  // Measured with every stage doing its work again: the same patches and accuracy as the first time.
  expect([a.patches, a.patchAuc]).toEqual([first[0].patches, first[0].patchAuc]);
}, 600_000);
