// `wsi-hpc plan --masks` with ASAP XML masks through the built CLI: a `_2` polygon is a hole in the
// mask (no patch centre in it), the group options change that, and a mask that selects nothing
// fails its slide with MASK_EMPTY naming the mask file (exit 1), instead of 0 patches and exit 0.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decodeGrid } from '../../src/grid/index.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let masks: string;
const rect = (group: string, x0: number, x1: number) =>
  `<Annotation Name="${group}" Type="Polygon" PartOfGroup="${group}"><Coordinates><Coordinate Order="0" X="${x0}" Y="0" /><Coordinate Order="1" X="${x1}" Y="0" /><Coordinate Order="2" X="${x1}" Y="3000" /><Coordinate Order="3" X="${x0}" Y="3000" /></Coordinates></Annotation>`;

beforeAll(async () => {
  tmp = await makeTempDir('user-mask-plan');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 4000, 3000, 5);
  masks = join(tmp.dir, 'masks');
  await mkdir(masks);
  // slide-001: `_0` over the whole slide, `_2` over its left half (x < 2000).
  await writeFile(
    join(masks, 'slide-001.xml'),
    `<ASAP_Annotations><Annotations>${rect('_0', 0, 4000)}${rect('_2', 0, 2000)}</Annotations></ASAP_Annotations>`,
  );
}, 120_000);
afterAll(() => tmp?.cleanup());

async function patchCentresX(run: string, json: { slides: Array<{ name: string; grid?: string }> }): Promise<number[]> {
  const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
  const s = plan.slides.find((x: { name: string }) => x.name === 'slide-001.tif');
  const grid = decodeGrid(await readFile(join(run, s.grid.file)));
  expect(json.slides.length).toBeGreaterThan(0);
  return Array.from({ length: grid.coords.length / 2 }, (_, i) => grid.coords[2 * i] + s.grid.footprintLevel0 / 2);
}

test('a `_2` polygon of a --masks XML is a hole: no patch centre in it; listing `_2` as kept brings it back', async () => {
  const run1 = join(tmp.dir, 'r1');
  const r1 = await cli(['plan', join(slides, 'slide-001.tif'), '--out', run1, '--masks', masks, '--json']);
  expect(r1.exitCode, String(r1.stderr)).toBe(0);
  const xs = await patchCentresX(run1, parseJson(r1));
  expect(xs.length).toBeGreaterThan(10);
  expect(Math.min(...xs)).toBeGreaterThanOrEqual(2000);

  const run2 = join(tmp.dir, 'r2');
  const r2 = await cli([
    'plan',
    join(slides, 'slide-001.tif'),
    '--out',
    run2,
    '--masks',
    masks,
    '--tumour-groups',
    '_0,_2',
    '--exclude-groups',
    'Exclusion',
    '--json',
  ]);
  expect(r2.exitCode, String(r2.stderr)).toBe(0);
  const all = await patchCentresX(run2, parseJson(r2));
  expect(Math.min(...all)).toBeLessThan(2000);
  expect(all.length).toBeGreaterThan(xs.length);
}, 120_000);

test('a mask that selects nothing fails its slide with MASK_EMPTY naming the mask file, exit 1', async () => {
  const empty = join(tmp.dir, 'empty-masks');
  await mkdir(empty);
  const file = join(empty, 'slide-002.xml');
  await writeFile(file, `<ASAP_Annotations><Annotations>${rect('_0', 9000, 9500)}</Annotations></ASAP_Annotations>`);
  const r = await cli(['plan', join(slides, 'slide-002.svs'), '--out', join(tmp.dir, 'r3'), '--masks', empty, '--json']);
  expect(r.exitCode).toBe(1);
  const s = parseJson(r).slides[0];
  expect(s.status).toBe('failed');
  expect(s.error.code).toBe('MASK_EMPTY');
  expect(s.error.message).toContain(`${file}: the mask selects nothing on this slide`);
}, 120_000);

test('a group named in both options is a usage error (exit 2) before anything is written', async () => {
  const r = await cli(['plan', join(slides, 'slide-001.tif'), '--out', join(tmp.dir, 'r4'), '--masks', masks, '--tumour-groups', '_0,_2']);
  expect(r.exitCode).toBe(2);
  expect(String(r.stderr)).toContain('Expected a group in only one of `--tumour-groups` and `--exclude-groups`, received `_2` in both');
  expect(existsSync(join(tmp.dir, 'r4'))).toBe(false);
}, 60_000);
