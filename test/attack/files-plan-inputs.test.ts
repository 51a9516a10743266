// Hostile plan inputs: a FIFO named as a slide (it must not hang), and a user mask entry that is a
// directory, a FIFO or /dev/zero (it must fail that slide naming the mask, not be silently ignored).
import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let n = 0;

beforeAll(async () => {
  tmp = await makeTempDir('attack-plan-inputs');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 3000, 2500, 5);
}, 60_000);
afterAll(() => tmp?.cleanup());

test('a FIFO named as a slide is skipped with its reason (exit 2 when it is the only one), not read forever', async () => {
  const fifo = join(tmp.dir, 'pipe.svs');
  execFileSync('mkfifo', [fifo]);
  const r = await cli(['plan', fifo, '--out', join(tmp.dir, 'run-fifo'), '--json']);
  expect(r.exitCode).toBe(2);
  expect(parseJson(r).error.message).toContain(`${fifo}: not a regular file (FIFO, socket or device)`);
}, 30_000);

test.each([
  ['a directory', 'a directory', '.xml', (f: string) => mkdir(f)],
  ['a FIFO', 'a FIFO (named pipe)', '.geojson', async (f: string) => execFileSync('mkfifo', [f])],
  ['a symlink to /dev/zero', 'a device', '.png', (f: string) => symlink('/dev/zero', f)],
])(
  'a user mask that is %s fails its slide with MASK_INVALID naming it instead of being ignored',
  async (_name, kind, ext, make) => {
    const masks = join(tmp.dir, `masks-${n++}`);
    await mkdir(masks);
    const mask = join(masks, `slide-001${ext}`);
    await make(mask);
    const r = await cli(['plan', slides, '--out', join(tmp.dir, `run-${n++}`), '--masks', masks, '--json']);
    expect(r.exitCode).toBe(1);
    const slide = parseJson(r).slides.find((s: { name: string }) => s.name === 'slide-001.tif');
    expect(slide.status).toBe('failed');
    expect(slide.error.code).toBe('MASK_INVALID');
    expect(slide.error.message).toContain(`${mask}: the mask is ${kind}, not a regular file`);
  },
  60_000,
);

test('evaluate refuses a run where a slide failed planning (RUN_INCOMPLETE naming it) unless --partial, which warns', async () => {
  const broken = join(tmp.dir, 'slide-009.tif');
  execFileSync('sh', ['-c', 'head -c 50000 "$1" > "$2"', 'sh', join(slides, 'slide-001.tif'), broken]);
  const run = join(tmp.dir, 'run-failed-slide');
  expect((await cli(['plan', slides, broken, '--out', run, '-q'])).exitCode).toBe(1);
  const model = await writeTinyModel(tmp.dir);
  expect((await cli(['run', run, '--model', model, '-q'])).exitCode).toBe(0);
  const annotations = join(slides, 'annotations');
  const r = await cli(['evaluate', run, '--annotations', annotations, '--json']);
  expect(r.exitCode).toBe(1);
  const err = parseJson(r).error;
  expect(err.code).toBe('RUN_INCOMPLETE');
  expect(err.message).toContain(`${run}: 1 of 3 slide(s) failed planning: slide-009.tif (SLIDE_TRUNCATED: ${broken}: `);
  const p = await cli(['evaluate', run, '--annotations', annotations, '--partial', '--json']);
  expect(p.exitCode).toBe(0);
  const e = parseJson(p);
  expect(e.failedSlides.map((f: { name: string }) => f.name)).toEqual(['slide-009.tif']);
  expect(e.slides).toHaveLength(2);
  expect(String(p.stderr)).toContain('--partial: 1 slide(s) failed planning and are not scored: slide-009.tif');
}, 120_000);
