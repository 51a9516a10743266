// A model saved with external data is identified by its graph and its weights: changing only the
// weights file (same size, same graph) makes infer recompute every shard and merge see the new hash,
// while an unchanged model resumes; the hash is documented (docs/FORMAT.md) and recomputable by hand.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeWithExternalData } from '../../src/model/external-data.js';
import { onnx } from '../../src/model/onnx-builder.js';
import { runInfer } from '../../src/stages/infer/index.js';
import { writeFeatureModel } from '../fixtures/feature-models.js';
import { cli, makeCohort, makeTempDir } from '../fixtures/index.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let run: string;
let model: string;
let weights: string;

const hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

async function markerHashes(): Promise<string[]> {
  const plan = JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
  const out: string[] = [];
  for (const s of plan.shards.list) {
    const m = JSON.parse(await readFile(join(run, 'markers', 'infer', `${s.id}.json`), 'utf8').catch(() => '{}'));
    out.push(m.result?.modelSha256 ?? '');
  }
  return out;
}

beforeAll(async () => {
  tmp = await makeTempDir('features-identity');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 1, 2200, 1700, 17);
  run = join(tmp.dir, 'run');
  expect((await cli(['plan', slides, '--out', run, '--patches-per-shard', '8', '--shards-per-task', '100', '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', run, '-q'])).exitCode).toBe(0);
  const inside = await writeFeatureModel(tmp.dir, 'inside');
  const dir = join(tmp.dir, 'model');
  await mkdir(dir);
  model = join(dir, 'feat.onnx');
  weights = join(dir, 'feat.onnx.data');
  expect(writeWithExternalData(onnx.ModelProto.decode(await readFile(inside)), model, 'feat.onnx.data', 0)).toBeGreaterThan(0);
  await copyFile(join(tmp.dir, 'inside.json'), join(dir, 'feat.json'));
}, 180_000);
afterAll(() => tmp?.cleanup());

describe('the model hash of a model with external data', () => {
  test('covers the weights file: sha256 of "onnx:<hex>" and "<location>:<hex>" lines', async () => {
    const first = await runInfer({ run, model, threads: 1 });
    expect(first.failed).toBe(0);
    expect(first.shards.every((s) => s.status === 'done')).toBe(true);
    const want = hex(`onnx:${hex(await readFile(model))}\nfeat.onnx.data:${hex(await readFile(weights))}`);
    expect(new Set(await markerHashes())).toEqual(new Set([want]));
    expect(want).not.toBe(hex(await readFile(model)));
    // Unchanged model and weights: every shard resumes.
    const again = await runInfer({ run, model, threads: 1 });
    expect(again.shards.every((s) => s.status === 'skipped')).toBe(true);
  }, 120_000);

  test('new weights in the same file (same size, same graph) are a new model: every shard is recomputed', async () => {
    const before = await readFile(weights);
    const negated = new Float32Array(before.buffer.slice(before.byteOffset, before.byteOffset + before.byteLength)).map((v) => -v);
    await writeFile(weights, new Uint8Array(negated.buffer));
    expect((await readFile(weights)).length).toBe(before.length);
    const after = await runInfer({ run, model, threads: 1 });
    expect(after.failed).toBe(0);
    expect(after.shards.length).toBeGreaterThan(1);
    expect(after.shards.every((s) => s.status === 'done')).toBe(true);
    const want = hex(`onnx:${hex(await readFile(model))}\nfeat.onnx.data:${hex(await readFile(weights))}`);
    expect(new Set(await markerHashes())).toEqual(new Set([want]));
    const merged = await cli(['merge', run, '--json']);
    expect(merged.exitCode, String(merged.stderr)).toBe(0);
  }, 120_000);
});
