// infer checks a window shard's tables before cropping: pack's checksum covers the pixels only, so an edited
// /window_offset or /window_index must fail the shard (SHARD_CORRUPT naming the dataset), not crop other pixels.
import { execFileSync } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { synthSlide } from '../../src/synth/index.js';
import { SYSTEM_PYTHON, cli, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;
let base: string;

beforeAll(async () => {
  tmp = await makeTempDir('infer-window-tables');
  model = await writeTinyModel(tmp.dir);
  const slide = join(tmp.dir, 'slide.tif');
  await synthSlide({ path: slide, width: 1600, height: 1200, seed: 21, mppX: 0.5, hasPenMarks: false });
  base = join(tmp.dir, 'base');
  expect((await cli(['plan', slide, '--out', base, '--stride', '32', '--window-positions', '4', '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', base, '-q'])).exitCode).toBe(0);
}, 120_000);
afterAll(() => tmp?.cleanup());

const edits = [
  [
    '/window_offset moved outside the window',
    "f['window_offset'][0] = [9999, 0]",
    /\/window_offset\[0\] = \(9999, 0\) does not place a 224 px patch/,
  ],
  ['/window_offset off the stride grid', "f['window_offset'][1] = [5, 0]", /\/window_offset\[1\] = \(5, 0\)/],
  ['/window_index past the windows', "f['window_index'][-1] = 10**6", /\/window_index\[\d+\] = 1000000 is out of order or past/],
] as const;

test.each(edits)('%s: the shard fails with SHARD_CORRUPT naming it; exit 1', async (name, python, message) => {
  const run = join(tmp.dir, name.replace(/\W+/g, '-'));
  await cp(base, run, { recursive: true });
  execFileSync(SYSTEM_PYTHON, [
    '-c',
    `import h5py\nwith h5py.File(${JSON.stringify(join(run, 'shards', 'shard-00000.h5'))}, 'r+') as f:\n    ${python}`,
  ]);
  const r = await cli(['infer', run, '--model', model, '--method', 'sliding', '--json']);
  expect(r.exitCode).toBe(1);
  const [shard] = parseJson(r).shards;
  expect(shard.status).toBe('failed');
  expect(shard.error.code).toBe('SHARD_CORRUPT');
  expect(shard.error.message).toMatch(message);
});

test('the untouched shard infers', async () => {
  const r = await cli(['infer', base, '--model', model, '--method', 'sliding', '--json']);
  expect(r.exitCode, String(r.stderr)).toBe(0);
});
