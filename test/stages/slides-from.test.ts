// `--slides-from` end to end through the built CLI on real synthetic slides: a CSV naming 2 of a folder's
// 4 slides plans exactly those 2, and pack -> infer -> merge carry its metadata columns (a comma, a quote,
// shell and spreadsheet syntax kept as inert text) into scores.csv and features/index.csv, read back with
// Python's csv module; study samples only the listed slides. A config file's slides-from is relative to
// the file and set aside by typed SLIDES.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanFile } from '../../src/plan/index.js';
import { SYSTEM_PYTHON, cli, makeCohort, makeTempDir, parseJson, pathExists } from '../fixtures/index.js';
import { writeFeatureModel } from '../fixtures/feature-models.js';
import { writeTinyModel } from '../fixtures/models.js';

const READ_CSV =
  'import csv, json, sys\nwith open(sys.argv[1], newline="") as f:\n    r = csv.DictReader(f)\n    print(json.dumps({"header": r.fieldnames, "rows": list(r)}))';

function pythonCsv(file: string): { header: string[]; rows: Array<Record<string, string>> } {
  return JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', READ_CSV, file], { encoding: 'utf8' }));
}

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string[];
let listFile: string;
let marker: string;
const DIAGNOSIS = ['carcinoma, "ductal"', 'normal'];

beforeAll(async () => {
  tmp = await makeTempDir('slides-from');
  const folder = join(tmp.dir, 'slides');
  const cohort = await makeCohort(folder, 4, 4000, 3000, 23);
  slides = cohort.manifest.slides.map((s) => join(folder, s.file)).sort();
  expect(slides).toHaveLength(4);
  marker = join(tmp.dir, 'pwned');
  await mkdir(join(tmp.dir, 'lists'));
  listFile = join(tmp.dir, 'lists', 'cohort.csv');
  const name = (i: number) => `../slides/${cohort.manifest.slides.map((s) => s.file).sort()[i]}`;
  // Slides 2 and 1 of 4, in that order; `status` clashes with a scores.csv column.
  const rows = [
    'Slide,diagnosis,note,status',
    `${name(2)},"carcinoma, ""ductal""","$(touch ${marker})",reviewed`,
    `"${name(1)}",normal,=cmd(),`,
  ];
  await writeFile(listFile, `${rows.join('\r\n')}\r\n`);
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('a CSV subset of a folder, through plan, pack, infer and merge', () => {
  let run: string;
  let plan: PlanFile;

  beforeAll(async () => {
    run = join(tmp.dir, 'run');
    const planned = await cli(['plan', '--slides-from', listFile, '--out', run, '--patches-per-shard', '60', '-q']);
    expect(planned.exitCode, String(planned.stderr)).toBe(0);
    plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
  }, 240_000);

  test('plan.json holds exactly the 2 listed slides, the list and each slide metadata', () => {
    expect(plan.slides.map((s) => s.path).sort()).toEqual([slides[1], slides[2]]);
    expect(plan.slides.every((s) => s.status === 'planned')).toBe(true);
    expect(plan.slideList).toEqual({ file: listFile, columns: ['diagnosis', 'note', 'status'] });
    const byPath = new Map(plan.slides.map((s) => [s.path, s.metadata]));
    expect(byPath.get(slides[2])).toEqual({ diagnosis: DIAGNOSIS[0], note: `$(touch ${marker})`, status: 'reviewed' });
    expect(byPath.get(slides[1])).toEqual({ diagnosis: DIAGNOSIS[1], note: '=cmd()', status: '' });
  });

  test('scores.csv carries the metadata columns after the scores (meta_status for the clash), read by Python csv', async () => {
    expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
    const model = await writeTinyModel(tmp.dir);
    const inferred = await cli(['infer', run, '--model', model, '-q']);
    expect(inferred.exitCode, String(inferred.stderr)).toBe(0);
    const merged = await cli(['merge', run, '--json']);
    expect(merged.exitCode, String(merged.stderr)).toBe(0);
    expect(parseJson(merged).slides.map((s: { status: string }) => s.status)).toEqual(['merged', 'merged']);
    const csv = pythonCsv(join(run, 'scores.csv'));
    expect(csv.header).toEqual([
      'slide_id',
      'name',
      'status',
      'patches',
      'max',
      'top10_mean',
      'mean',
      'fraction_ge_0.5',
      'regions',
      'diagnosis',
      'note',
      'meta_status',
    ]);
    const idOf = (path: string) => plan.slides.find((s) => s.path === path)?.id;
    const row = (path: string) => csv.rows.find((r) => r.slide_id === idOf(path));
    expect(row(slides[2])).toMatchObject({
      status: 'merged',
      diagnosis: DIAGNOSIS[0],
      note: `$(touch ${marker})`,
      meta_status: 'reviewed',
    });
    expect(row(slides[1])).toMatchObject({ status: 'merged', diagnosis: DIAGNOSIS[1], note: '=cmd()', meta_status: '' });
    expect(Number(row(slides[1])?.patches)).toBe(plan.slides.find((s) => s.path === slides[1])?.grid?.count);
    expect(await pathExists(marker)).toBe(false);
  }, 240_000);

  test('a features run of the same list: features/index.csv carries the metadata columns too', async () => {
    const features = join(tmp.dir, 'features-run');
    expect((await cli(['plan', '--slides-from', listFile, '--out', features, '--patches-per-shard', '60', '-q'])).exitCode).toBe(0);
    expect((await cli(['pack', features, '-q'])).exitCode).toBe(0);
    const model = await writeFeatureModel(tmp.dir);
    const inferred = await cli(['infer', features, '--model', model, '-q']);
    expect(inferred.exitCode, String(inferred.stderr)).toBe(0);
    const merged = await cli(['merge', features, '--json']);
    expect(merged.exitCode, String(merged.stderr)).toBe(0);
    const csv = pythonCsv(join(features, 'features', 'index.csv'));
    expect(csv.header).toEqual(['slide_id', 'name', 'status', 'patches', 'file', 'diagnosis', 'note', 'meta_status']);
    expect(csv.rows.map((r) => r.diagnosis).sort()).toEqual([...DIAGNOSIS].sort());
    expect(csv.rows.every((r) => r.status === 'merged')).toBe(true);
    expect(await pathExists(marker)).toBe(false);
  }, 240_000);
});

test('study --slides-from samples the listed slides only', async () => {
  const out = join(tmp.dir, 'study');
  const model = await writeTinyModel(tmp.dir);
  const annotations = join(tmp.dir, 'slides', 'annotations');
  const r = await cli(['study', '--slides-from', listFile, '--annotations', annotations, '--model', model, '--out', out, '--json']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  expect(parseJson(r).table.map((t: { slides: number }) => t.slides)).toEqual([2]);
  const study = JSON.parse(await readFile(join(out, 'study.json'), 'utf8'));
  expect(study.sampleSlides).toEqual([slides[1], slides[2]]);
}, 240_000);

describe('slides-from in a config file', () => {
  let work: string;

  beforeAll(async () => {
    work = join(tmp.dir, 'work');
    await mkdir(join(work, 'conf'), { recursive: true });
    await writeFile(join(work, 'conf', 'wsi-hpc.yaml'), 'slides-from: ../../lists/cohort.csv\n');
  });

  const planned = async (args: string[]) => {
    const r = await cli(['plan', ...args, '--config', 'conf/wsi-hpc.yaml', '--dry-run', '--json'], { cwd: work });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    return parseJson(r)
      .slides.map((s: { path: string }) => s.path)
      .sort();
  };

  test('is read relative to the config file: plan needs no SLIDES', async () => {
    expect(await planned(['--out', 'run-a'])).toEqual([slides[1], slides[2]]);
    expect(await pathExists(join(work, 'run-a'))).toBe(false);
  }, 120_000);

  test('SLIDES typed on the command line set the file list aside', async () => {
    expect(await planned([slides[0], '--out', 'run-b'])).toEqual([slides[0]]);
  }, 120_000);
});
