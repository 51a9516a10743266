// `study` through the built CLI: every model of the study is checked as `infer` checks it before any
// configuration runs (a garbage or mismatched model exits 1 naming the file, with no configuration
// folder), and the folder entries slide discovery skipped are reported on stderr, in --json and study.json.
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { writeGarbageModel, writeOddModel } from '../fixtures/bad-models.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let models: string;
let good: string;
let studies = 0;

beforeAll(async () => {
  tmp = await makeTempDir('study-model-check');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 3000, 2500, 17);
  models = join(tmp.dir, 'models');
  await mkdir(models);
  good = await writeTinyModel(models);
}, 120_000);
afterAll(() => tmp?.cleanup());

function studyArgs(out: string, ...rest: string[]): string[] {
  return ['study', slides, '--annotations', join(slides, 'annotations'), '--sample', '2', '--out', out, ...rest];
}

/** What the study folder holds (nothing at all when the study stopped before its first configuration). */
async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }).catch(() => [] as string[])).sort();
}

test.each([
  ['a garbage .onnx', () => writeGarbageModel(models, 'random', 224), 'MODEL_INVALID', 'not a readable ONNX model'],
  [
    'a card whose input size disagrees with the graph',
    () => writeOddModel(models, { name: 'size', graphPatchPx: 96, card: { patchSizePx: 224 } }),
    'MODEL_MISMATCH',
    "graph input height is 96 but the card's patchSizePx is 224",
  ],
] as Array<[string, () => Promise<string>, string, string]>)(
  'study with %s fails before any configuration (exit 1, naming the model)',
  async (_label, write, code, problem) => {
    const model = await write();
    const out = join(tmp.dir, `study-${studies++}`);
    const r = await cli([...studyArgs(out, '--model', model, '--vary', 'stride=224,112')]);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const stderr = String(r.stderr);
    expect(stderr).toContain(`error: ${model}: `);
    expect(stderr).toContain(problem);
    expect(stderr).not.toContain('study: configuration');
    expect(await listing(out)).toEqual([]);
    const json = await cli([...studyArgs(out, '--model', model, '--json')]);
    expect(json.exitCode).toBe(1);
    expect(parseJson(json).error).toMatchObject({ code, file: model });
    expect(await listing(out)).toEqual([]);
  },
);

test('a bad model in a later configuration (--vary model=good,bad) fails the study before the good one runs', async () => {
  const bad = await writeGarbageModel(models, 'truncated', 224);
  const out = join(tmp.dir, `study-${studies++}`);
  const r = await cli([...studyArgs(out, '--model', good, '--vary', `model=${good},${bad}`, '--json')]);
  expect(r.exitCode, String(r.stderr)).toBe(1);
  expect(parseJson(r).error).toMatchObject({ code: 'MODEL_INVALID', file: bad });
  expect(parseJson(r).error.message).toContain(`${bad}: not a readable ONNX model`);
  expect(await listing(out)).toEqual([]);
});

test('study reports the folder entries slide discovery skipped, on stderr, in --json and in study.json', async () => {
  await writeFile(join(slides, 'notes.txt'), 'scanner log\n');
  await symlink('moved-away.svs', join(slides, 'dangling.svs'));
  await mkdir(join(slides, 'folder.svs'));
  const out = join(tmp.dir, `study-${studies++}`);
  const r = await cli([...studyArgs(out, '--model', good, '--json')]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const expected = [
    // The synthetic cohort's own annotations/, cohort.json and geometry/, then the three added above.
    { path: join(slides, 'annotations'), reason: 'directory' },
    { path: join(slides, 'cohort.json'), reason: 'unsupported-format' },
    { path: join(slides, 'dangling.svs'), reason: 'dangling-symlink' },
    { path: join(slides, 'folder.svs'), reason: 'directory' },
    { path: join(slides, 'geometry'), reason: 'directory' },
    { path: join(slides, 'notes.txt'), reason: 'unsupported-format' },
  ];
  const { skipped, table } = parseJson(r);
  expect(table).toHaveLength(1);
  expect(skipped.map((s: { path: string; reason: string }) => ({ path: s.path, reason: s.reason }))).toEqual(expected);
  const stored = JSON.parse(await readFile(join(out, 'study.json'), 'utf8')).skipped;
  expect(stored).toEqual(skipped);
  const stderr = `${String(r.stderr)}\n`;
  expect(stderr).toContain('study: skipped 6 folder entries:\n');
  for (const s of skipped) expect(stderr).toContain(`  ${s.path}: ${s.detail}\n`);
  expect(stderr).toContain(`${join(slides, 'dangling.svs')}: dangling symlink to \`moved-away.svs\`, which does not exist`);
  expect(stderr).toContain(`${join(slides, 'notes.txt')}: unsupported format .txt`);
}, 120_000);
