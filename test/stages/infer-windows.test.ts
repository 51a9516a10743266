// infer on window shards through the built CLI: sliding from windows gives exactly the probabilities
// of the same grid packed as patches (small_HE.svs and a synthetic slide); dense with a valid-padding
// CNN agrees with sliding to float rounding; auto says what it chose and why; dense that cannot run is
// refused before any work; switching method re-infers; merge refuses shards of two methods.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readPredictions } from '../../src/hdf5/index.js';
import { buildFcn } from '../../src/model/dense/index.js';
import type { ModelCard } from '../../src/model/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { synthSlide } from '../../src/synth/index.js';
import { cli, makeTempDir, parseJson, smallHePath } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
const slidePath = smallHePath() as string;

async function writeModel(name: string, bytes: Uint8Array, card: ModelCard): Promise<string> {
  const file = join(tmp.dir, `${name}.onnx`);
  await writeFile(file, bytes);
  await writeFile(join(tmp.dir, `${name}.json`), JSON.stringify({ ...card, name }));
  return file;
}

/** Positive-class probability by "slide/gridIndex" over every predictions file of a run. */
async function probabilities(run: string): Promise<Map<string, number>> {
  const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8')) as PlanFile;
  const out = new Map<string, number>();
  for (const shard of plan.shards.list) {
    const p = await readPredictions(join(run, 'predictions', `${shard.id}.h5`));
    const pos = Number(p.attrs.positive_index);
    for (let i = 0; i < p.slideIndex.length; i++) {
      out.set(`${p.slideIds[p.slideIndex[i]]}/${p.gridIndex[i]}`, p.probabilities[i * p.classes + pos]);
    }
  }
  return out;
}

async function planAndPack(slides: string[], out: string, args: string[]): Promise<PlanFile> {
  const r = await cli(['plan', ...slides, '--out', out, '--quiet', ...args]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const p = await cli(['pack', out, '--quiet']);
  expect(p.exitCode, String(p.stderr)).toBe(0);
  return JSON.parse(await readFile(join(out, 'plan.json'), 'utf8')) as PlanFile;
}

async function infer(run: string, model: string, args: string[] = []) {
  return cli(['infer', run, '--model', model, '--device', 'cpu', '--threads', '2', '--json', ...args]);
}

let valid: string;
let same: string;
let flat: string;
let synthetic: string;

beforeAll(async () => {
  tmp = await makeTempDir('infer-windows');
  // A valid-padding CNN of total stride 32 is exactly translation-equivariant: dense = sliding up to rounding.
  const v = buildFcn({ padding: 'valid' });
  valid = await writeModel('fcn-valid', v.bytes, { ...v.card, dense: { allowed: true, totalStride: 32 } });
  const s = buildFcn({ padding: 'same' });
  same = await writeModel('fcn-same', s.bytes, s.card);
  const f = buildFcn({ head: 'flatten-gemm' });
  flat = await writeModel('fcn-flat', f.bytes, f.card);
  // A generic pyramidal TIFF (not SVS) at 0.5 µm/px, so plan reads level 0 unresampled.
  synthetic = join(tmp.dir, 'synthetic.tif');
  await synthSlide({ path: synthetic, width: 2400, height: 1700, seed: 11, mppX: 0.5, hasPenMarks: false });
}, 120_000);

afterAll(async () => tmp?.cleanup());

describe('sliding inference from windows', () => {
  test('equals the patch-packed probabilities exactly on small_HE.svs (stride 32) and a synthetic slide (stride 16)', async () => {
    for (const [slide, stride] of [
      [slidePath, '32'],
      [synthetic, '16'],
    ] as const) {
      const name = stride === '32' ? 'he' : 'syn';
      const windows = join(tmp.dir, `${name}-windows`);
      const patches = join(tmp.dir, `${name}-patches`);
      const wp = await planAndPack([slide], windows, ['--stride', stride, '--window-positions', '9']);
      const pp = await planAndPack([slide], patches, ['--stride', stride, '--layout', 'patches']);
      expect(wp.params.windows?.positions).toBe(9);
      expect(pp.params.windows ?? null).toBeNull();
      expect(wp.totals.patches).toBe(pp.totals.patches);
      expect(wp.totals.patches).toBeGreaterThan(300);
      const a = await infer(windows, valid, ['--method', 'sliding']);
      expect(a.exitCode, String(a.stderr)).toBe(0);
      expect(parseJson(a)).toMatchObject({ method: 'sliding', methodReason: '--method sliding' });
      const b = await infer(patches, valid);
      expect(b.exitCode, String(b.stderr)).toBe(0);
      expect(parseJson(b)).toMatchObject({ method: 'sliding', methodReason: expect.stringContaining('patch shards') });
      const fromWindows = await probabilities(windows);
      const fromPatches = await probabilities(patches);
      expect(fromWindows.size).toBe(pp.totals.patches);
      let differing = 0;
      for (const [key, value] of fromPatches) if (fromWindows.get(key) !== value) differing++;
      expect(differing).toBe(0);
      // merge is unchanged: the scores of both runs are the same.
      for (const run of [windows, patches]) expect((await cli(['merge', run, '--quiet'])).exitCode).toBe(0);
      expect(await readFile(join(windows, 'scores.csv'), 'utf8')).toBe(await readFile(join(patches, 'scores.csv'), 'utf8'));
    }
  }, 600_000);
});

describe('dense inference on windows', () => {
  test('a valid-padding CNN gives the sliding probabilities to float rounding; auto picks dense and says why', async () => {
    const run = join(tmp.dir, 'he-windows');
    const sliding = await probabilities(run);
    const r = await infer(run, valid, ['--method', 'auto']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const json = parseJson(r);
    expect(json.method).toBe('dense');
    expect(json.methodReason).toMatch(/allows dense.*32/);
    // The method changed, so the shard was inferred again, not skipped.
    expect(json.shards.every((s: { status: string }) => s.status === 'done')).toBe(true);
    const dense = await probabilities(run);
    let max = 0;
    for (const [key, value] of sliding) max = Math.max(max, Math.abs((dense.get(key) as number) - value));
    // Same arithmetic in another order (one big convolution instead of per-patch ones): float32 rounding only.
    expect(max).toBeLessThan(1e-4);
    const pred = await readPredictions(join(run, 'predictions', 'shard-00000.h5'));
    expect(pred.attrs.method).toBe('dense');
  }, 300_000);

  test('auto runs sliding when the card does not allow dense, and says so', async () => {
    const run = join(tmp.dir, 'he-windows');
    const r = await infer(run, same);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(parseJson(r)).toMatchObject({ method: 'sliding', methodReason: expect.stringContaining('dense.allowed') });
  }, 300_000);

  test('dense that cannot run is a usage error before any work', async () => {
    const patches = join(tmp.dir, 'he-patches');
    const onPatches = await infer(patches, valid, ['--method', 'dense']);
    // With --json the error is the JSON document on stdout.
    const said = (r: { stdout: unknown; stderr: unknown }) => `${String(r.stdout)}\n${String(r.stderr)}`;
    expect(onPatches.exitCode).toBe(2);
    expect(said(onPatches)).toMatch(/--method dense/);
    expect(said(onPatches)).toMatch(/--layout windows|stride below/);
    const windows = join(tmp.dir, 'syn-windows');
    const noConvert = await infer(windows, flat, ['--method', 'dense']);
    expect(noConvert.exitCode).toBe(2);
    expect(said(noConvert)).toMatch(/--method dense/);
    expect(said(noConvert)).toMatch(/fcn-flat\.onnx/);
    expect(said(noConvert)).toMatch(/global average|head/);
  }, 120_000);
});

describe('merge across methods', () => {
  test('shards inferred by sliding and by dense are not merged into one heatmap', async () => {
    const run = join(tmp.dir, 'mixed');
    const plan = await planAndPack([slidePath], run, ['--stride', '32', '--window-positions', '5', '--patches-per-shard', '600']);
    expect(plan.shards.list.length).toBeGreaterThan(1);
    expect((await infer(run, valid, ['--task', '0', '--method', 'sliding'])).exitCode).toBe(0);
    for (let t = 1; t < plan.tasks.pack.length; t++)
      expect((await infer(run, valid, ['--task', String(t), '--method', 'dense'])).exitCode).toBe(0);
    const m = await cli(['merge', run]);
    expect(m.exitCode).not.toBe(0);
    expect(String(m.stderr)).toMatch(/refusing to merge predictions of different models/);
    expect(String(m.stderr)).toMatch(/method sliding/);
    expect(String(m.stderr)).toMatch(/method dense/);
  }, 300_000);
});
