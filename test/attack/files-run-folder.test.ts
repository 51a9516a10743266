// `plan --out` aimed at the wrong place (a file, a path under a file, `/`, the slides folder, a folder of
// someone's files) is a usage error before anything is written; `report` on a replanned run folder does
// not show the scores and heatmaps of the old plan, and a run file that is a directory is named, not a crash.
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, hashTree, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let base: string;

beforeAll(async () => {
  tmp = await makeTempDir('attack-run-folder');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 3000, 2500, 5);
  base = join(tmp.dir, 'base');
  expect((await cli(['plan', slides, '--out', base, '-q'])).exitCode).toBe(0);
  const model = await writeTinyModel(tmp.dir);
  expect((await cli(['run', base, '--model', model, '-q'])).exitCode).toBe(0);
}, 120_000);
afterAll(() => tmp?.cleanup());

test.each([
  ['a file', async () => writeFile(join(tmp.dir, 'a-file'), 'x').then(() => join(tmp.dir, 'a-file')), 'it is a file, not a folder'],
  ['a path under a file', async () => join(tmp.dir, 'a-file', 'run'), 'a-file is a file, not a folder'],
  ['the slides folder', async () => slides, 'it has no plan.json and holds files wsi-hpc did not write (annotations, cohort.json'],
  [
    'a folder of other files',
    async () => {
      const d = join(tmp.dir, 'mine');
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'thesis.tex'), 'mine');
      return d;
    },
    'it has no plan.json and holds files wsi-hpc did not write (thesis.tex)',
  ],
])(
  'plan --out %s is a usage error (exit 2) and writes nothing',
  async (_name, make, problem) => {
    const out = await make();
    const before = await hashTree(tmp.dir);
    const r = await cli(['plan', slides, '--out', out, '--json']);
    expect(r.exitCode).toBe(2);
    const err = parseJson(r).error;
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.message).toContain(`Expected \`--out\` to be a run folder, received \`${out}\`: `);
    expect(err.message).toContain(problem);
    expect(await hashTree(tmp.dir)).toEqual(before);
  },
  30_000,
);

test('plan --out / is refused before anything is written there', async () => {
  const before = (await readdir('/')).sort();
  const r = await cli(['plan', slides, '--out', '/', '--dry-run', '--json']);
  expect(r.exitCode).toBe(2);
  expect(parseJson(r).error.message).toContain('received `/`: it has no plan.json');
  expect((await readdir('/')).sort()).toEqual(before);
});

test('plan into an empty folder, and again into the run folder it made, still works', async () => {
  const out = join(tmp.dir, 'empty');
  await mkdir(out);
  expect((await cli(['plan', slides, '--out', out, '-q'])).exitCode).toBe(0);
  expect((await cli(['plan', slides, '--out', out, '-q'])).exitCode).toBe(0);
}, 60_000);

/** report.html and every slide page it links (the facts with the scores are on the slide pages). */
async function reportText(run: string): Promise<string> {
  const slidesDir = join(run, 'report', 'slides');
  const files = [join(run, 'report.html'), ...(await readdir(slidesDir)).map((f) => join(slidesDir, f))];
  return (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
}

test('report on a run folder replanned with other parameters shows no scores or heatmaps of the old plan', async () => {
  const run = join(tmp.dir, 'replanned');
  await cp(base, run, { recursive: true });
  const old = await readFile(join(run, 'scores.csv'), 'utf8');
  const oldMax = `<dt>max</dt><dd>${Number(old.split('\n')[1].split(',')[4]).toFixed(3)}</dd>`;
  expect((await cli(['plan', slides, '--out', run, '--patch-size', '112', '--force', '-q'])).exitCode).toBe(0);
  expect((await cli(['report', run, '-q'])).exitCode).toBe(0);
  expect(await reportText(run)).not.toContain(oldMax);
  // The same report of the merged run does show them (the check above can fail).
  expect((await cli(['report', base, '-q'])).exitCode).toBe(0);
  expect(await reportText(base)).toContain(oldMax);
}, 60_000);

test('report names a scores.csv that is a directory instead of an internal error', async () => {
  const run = join(tmp.dir, 'scores-dir');
  await cp(base, run, { recursive: true });
  await rm(join(run, 'scores.csv'));
  await mkdir(join(run, 'scores.csv'));
  const r = await cli(['report', run, '--json']);
  expect(r.exitCode).toBe(1);
  expect(parseJson(r).error.message).toBe(`${join(run, 'scores.csv')}: cannot read it (EISDIR)`);
});

test('plan with other parameters into a finished run is refused (exit 2, nothing changed) unless --force', async () => {
  const run = join(tmp.dir, 'finished');
  await cp(base, run, { recursive: true });
  const before = await hashTree(run);
  for (const change of [
    ['--patch-size', '112'],
    ['--patches-per-shard', '7'],
  ]) {
    const r = await cli(['plan', slides, '--out', run, ...change, '--json']);
    expect(r.exitCode).toBe(2);
    const err = parseJson(r).error;
    expect(err.message).toBe(
      `\`--out ${run}\` holds a run planned with other parameters whose work is done (pack 1/1, infer 1/1, merge 1/1): planning it again would replace plan.json and redo all of it`,
    );
    expect(err.hint).toContain('pass --force to replace the old run');
  }
  expect(await hashTree(run)).toEqual(before);
  // The same parameters reuse it; --force replaces it on purpose.
  expect((await cli(['plan', slides, '--out', run, '-q'])).exitCode).toBe(0);
  expect((await cli(['plan', slides, '--out', run, '--patch-size', '112', '--force', '-q'])).exitCode).toBe(0);
}, 60_000);

test('plan into a run folder whose plan.json is a directory names it (exit 2) instead of "a file of the run"', async () => {
  const run = join(tmp.dir, 'plan-dir');
  await mkdir(join(run, 'plan.json'), { recursive: true });
  const r = await cli(['plan', slides, '--out', run, '--json']);
  expect(r.exitCode).toBe(2);
  expect(parseJson(r).error.message).toBe(
    `Expected \`--out\` to be a run folder, received \`${run}\`: ${join(run, 'plan.json')} is a directory, not a plan file`,
  );
});
