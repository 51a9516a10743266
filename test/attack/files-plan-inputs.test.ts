// Hostile plan inputs: a FIFO named as a slide (it must not hang), and a user mask entry that is a
// directory, a FIFO or /dev/zero (it must fail that slide naming the mask, not be silently ignored).
import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';

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
