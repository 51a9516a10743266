// `wsi-hpc study` end to end on a small synthetic cohort at three strides: the table, the files,
// the frontier picture, and costs that grow as the stride shrinks.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('study');
});
afterAll(() => tmp?.cleanup());

test('a study at three strides writes the table, CSV, JSON and the frontier plot, with cost rising as stride falls', async () => {
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 3, 4000, 3000, 83);
  const model = await writeTinyModel(tmp.dir);
  const out = join(tmp.dir, 'study');
  const r = await cli([
    'study',
    slides,
    '--annotations',
    join(slides, 'annotations'),
    '--model',
    model,
    '--vary',
    'stride=224,112,56',
    '--sample',
    '3',
    '--cohort-slides',
    '399',
    '--cores',
    '4000',
    '--out',
    out,
    '--json',
  ]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const res = parseJson(r);
  expect(res.table.map((t: { config: string }) => t.config)).toEqual(['stride-224', 'stride-112', 'stride-56']);
  const [a, b, c] = res.table;
  expect(b.patchesPerSlide / a.patchesPerSlide).toBeGreaterThan(3);
  expect(c.patchesPerSlide / b.patchesPerSlide).toBeGreaterThan(3);
  expect(c.bytesPacked).toBeGreaterThan(b.bytesPacked);
  expect(c.coreSecondsPerSlide).toBeGreaterThan(a.coreSecondsPerSlide);
  for (const t of res.table) {
    expect(t.cohortCoreHours).toBeCloseTo((t.coreSecondsPerSlide * 399) / 3600, 6);
    expect(t.patchAuc).toBeGreaterThan(0.5);
    expect(t.slides).toBe(3);
  }
  const csv = (await readFile(join(out, 'study.csv'), 'utf8')).trim().split('\n');
  expect(csv.length).toBe(4);
  expect(csv[0]).toContain('cohortCoreHours');
  const json = JSON.parse(await readFile(join(out, 'study.json'), 'utf8'));
  expect(json.table.length).toBe(3);
  expect(await readFile(join(out, 'frontier.svg'), 'utf8')).toContain('stride-56');
  const png = await sharp(join(out, 'frontier.png')).metadata();
  expect([png.format, png.width, png.height]).toEqual(['png', 720, 480]);
}, 300_000);
