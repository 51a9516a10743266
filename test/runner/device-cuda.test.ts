// `--device cuda` where CUDA cannot be used fails the task (exit 1, CUDA_UNAVAILABLE naming the provider
// library and where it should be) instead of spending a GPU allocation at CPU speed; the message says
// whether a GPU is visible at all. `--device auto` keeps its CPU fallback with one warning. (No GPU here.)
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { synthSlide } from '../../src/synth/index.js';
import { cli, makeTempDir, parseJson, pathExists } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let model: string;
let run: string;

beforeAll(async () => {
  tmp = await makeTempDir('device-cuda');
  model = await writeTinyModel(tmp.dir);
  const slide = join(tmp.dir, 'slide.tif');
  await synthSlide({ path: slide, width: 1600, height: 1200, seed: 31, mppX: 0.5, hasPenMarks: false });
  run = join(tmp.dir, 'run');
  expect((await cli(['plan', slide, '--out', run, '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
}, 120_000);
afterAll(() => tmp?.cleanup());

test.each([
  [
    'no GPU visible',
    {},
    /^--device cuda: no GPU visible \(no CUDA_VISIBLE_DEVICES, SLURM GPU variables or \/dev\/nvidia0\) and the CUDA execution provider could not be used: /,
  ],
  [
    'a GPU visible',
    { CUDA_VISIBLE_DEVICES: '0' },
    /^--device cuda: GPU visible \(CUDA_VISIBLE_DEVICES=0\) and the CUDA execution provider could not be used: /,
  ],
] as const)('--device cuda with %s fails the task with CUDA_UNAVAILABLE and writes no predictions', async (_name, env, start) => {
  const r = await cli(['infer', run, '--model', model, '--device', 'cuda', '--json'], { env: { ...env } });
  expect(r.exitCode).toBe(1);
  const { error } = parseJson(r);
  expect(error.code).toBe('CUDA_UNAVAILABLE');
  expect(error.message).toMatch(start);
  expect(error.message).toMatch(/libonnxruntime_providers_cuda\.so is missing from .*onnxruntime-node\/bin\/napi-v6\/linux\/x64/);
  expect(error.hint).toContain('npm rebuild onnxruntime-node');
  expect(error.hint).toContain('--device auto');
  const predictions = join(run, 'predictions');
  expect((await pathExists(predictions)) ? await readdir(predictions) : []).toEqual([]);
});

test('--device auto with a visible GPU but no CUDA libraries still runs on CPU with one warning', async () => {
  const r = await cli(['infer', run, '--model', model, '--json'], { env: { CUDA_VISIBLE_DEVICES: '0' } });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  expect(parseJson(r).provider).toBe('cpu');
  expect(
    String(r.stderr).match(/warning: GPU visible \(CUDA_VISIBLE_DEVICES=0\) but the CUDA execution provider could not be used/g)?.length,
  ).toBe(1);
});
