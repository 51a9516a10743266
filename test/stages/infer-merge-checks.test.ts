// infer and merge check what they read: a shard of another plan or another shard's file, predictions
// that do not match their marker, two models in one run, and model outputs that are not probabilities.
// Each case runs the built CLI on a copy of one packed synthetic run.
import { execFileSync } from 'node:child_process';
import { copyFile, cp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PREDICTIONS_ATTRS, ShardReader } from '../../src/hdf5/index.js';
import { DT, GraphBuilder, encodeModel, valueInfo, type ModelCard } from '../../src/model/index.js';
import type { PlanFile } from '../../src/plan/index.js';
import { readMarker } from '../../src/run/markers.js';
import { findBadProbabilities } from '../../src/stages/infer/check-outputs.js';
import { SYSTEM_PYTHON, cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let base: string;
let plan: PlanFile;
let other: string;
let otherPlan: PlanFile;
let model: string;

const readPlan = async (run: string): Promise<PlanFile> => JSON.parse(await readFile(join(run, 'plan.json'), 'utf8'));
const statuses = (r: Parameters<typeof parseJson>[0]) =>
  Object.fromEntries(parseJson(r).shards.map((s: { shard: string; status: string }) => [s.shard, s.status]));

async function copyRun(name: string): Promise<string> {
  const to = join(tmp.dir, name);
  await cp(base, to, { recursive: true });
  return to;
}

beforeAll(async () => {
  tmp = await makeTempDir('checks');
  const slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 4000, 3000, 23);
  base = join(tmp.dir, 'base');
  other = join(tmp.dir, 'other');
  expect((await cli(['plan', slides, '--out', base, '--patches-per-shard', '25', '--shards-per-task', '1', '-q'])).exitCode).toBe(0);
  expect((await cli(['plan', slides, '--out', other, '--patches-per-shard', '100000', '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', base, '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', other, '-q'])).exitCode).toBe(0);
  plan = await readPlan(base);
  otherPlan = await readPlan(other);
  expect(plan.shards.list.length).toBeGreaterThanOrEqual(3);
  model = await writeTinyModel(tmp.dir);
});
afterAll(() => tmp?.cleanup());

describe('infer checks the shard against the plan', () => {
  test('a shard of another plan, or another shard of this plan, fails with SHARD_MISMATCH naming the file and both values', async () => {
    const run = await copyRun('r-shard');
    const [s0, s1, s2] = plan.shards.list;
    const foreign = otherPlan.shards.list[0];
    await copyFile(join(other, 'shards', `${foreign.id}.h5`), join(run, 'shards', `${s0.id}.h5`));
    await copyFile(join(run, 'shards', `${s2.id}.h5`), join(run, 'shards', `${s1.id}.h5`));
    const r = await cli(['infer', run, '--model', model, '--json']);
    expect(r.exitCode).toBe(1);
    const [e0, e1] = parseJson(r).shards.map((s: { error?: unknown }) => s.error);
    expect(e0.code).toBe('SHARD_MISMATCH');
    expect(e0.message).toContain(`${join(run, 'shards', `${s0.id}.h5`)}: this shard does not belong to the plan`);
    expect(e0.message).toContain(`plan hash is \`${otherPlan.planHash}\` in the shard, \`${plan.planHash}\` in the plan`);
    expect(e0.message).toContain(
      `patch count is ${foreign.patches} in the shard (count attribute ${foreign.patches}), ${s0.patches} in the plan`,
    );
    expect(e1.code).toBe('SHARD_MISMATCH');
    expect(e1.message).toContain(`shard id is \`${s2.id}\` in the shard, \`${s1.id}\` in the plan`);
    expect(statuses(r)[s2.id]).toBe('done');
    for (const s of [s0, s1]) await expect(stat(join(run, 'predictions', `${s.id}.h5`))).rejects.toThrow(/ENOENT/);
  });
});

describe('done markers are trusted only while their output matches', () => {
  test('pack redoes a shard replaced by another file of the recorded size', async () => {
    const run = await copyRun('r-pack');
    const [s0, s1] = plan.shards.list;
    const before = await readMarker(join(run, 'markers', 'pack', `${s0.id}.json`));
    await copyFile(join(run, 'shards', `${s1.id}.h5`), join(run, 'shards', `${s0.id}.h5`));
    await truncate(join(run, 'shards', `${s0.id}.h5`), Number(before?.result?.fileBytes));
    const r = await cli(['pack', run, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(statuses(r)).toEqual(Object.fromEntries(plan.shards.list.map((s) => [s.id, s.id === s0.id ? 'done' : 'skipped'])));
    const after = await readMarker(join(run, 'markers', 'pack', `${s0.id}.json`));
    expect(after?.result?.checksum).toBe(before?.result?.checksum);
    const reader = await ShardReader.open(join(run, 'shards', `${s0.id}.h5`));
    expect([reader.attrs.shard_id, reader.count]).toEqual([s0.id, s0.patches]);
    reader.close();
  });

  test('merge refuses predictions that are not the ones their infer marker describes, and infer redoes them', async () => {
    const run = await copyRun('r-pred');
    const [s0, s1] = plan.shards.list;
    expect((await cli(['infer', run, '--model', model, '-q'])).exitCode).toBe(0);
    // Every predictions file carries the provenance merge checks (read by h5py).
    const attrs = JSON.parse(
      execFileSync(
        SYSTEM_PYTHON,
        [
          '-c',
          'import h5py, json, sys; f = h5py.File(sys.argv[1]); print(json.dumps({k: str(v) for k, v in f.attrs.items()}))',
          join(run, 'predictions', `${s0.id}.h5`),
        ],
        { encoding: 'utf8' },
      ),
    );
    expect(Object.keys(attrs)).toEqual(expect.arrayContaining([...PREDICTIONS_ATTRS]));
    expect(attrs).toMatchObject({ shard_id: s0.id, plan_hash: plan.planHash, count: String(s0.patches), model_name: 'tiny-nchw-224' });
    expect(attrs.card_sha256).toMatch(/^[0-9a-f]{64}$/);

    await copyFile(join(run, 'predictions', `${s1.id}.h5`), join(run, 'predictions', `${s0.id}.h5`));
    const m = await cli(['merge', run, '--json']);
    expect(m.exitCode).toBe(1);
    const slidesOf0 = new Set(s0.segments.map((g) => g.slideId));
    const incomplete = parseJson(m).slides.filter((s: { id: string }) => slidesOf0.has(s.id));
    expect(incomplete.length).toBeGreaterThan(0);
    for (const s of incomplete) {
      expect(s.status).toBe('incomplete');
      expect(s.reason).toContain(
        `PREDICTIONS_MISMATCH: ${join(run, 'predictions', `${s0.id}.h5`)}: shard id is \`${s1.id}\` in the file, \`${s0.id}\` in the plan`,
      );
    }
    const redo = await cli(['infer', run, '--model', model, '--json']);
    expect(statuses(redo)).toEqual(Object.fromEntries(plan.shards.list.map((s) => [s.id, s.id === s0.id ? 'done' : 'skipped'])));

    await rm(join(run, 'predictions', `${s1.id}.h5`));
    const gone = await cli(['merge', run, '--json']);
    expect(gone.exitCode).toBe(1);
    expect(JSON.stringify(parseJson(gone).slides)).toContain(
      `${join(run, 'predictions', `${s1.id}.h5`)}: cannot open the predictions (ENOENT)`,
    );
    const redo1 = await cli(['infer', run, '--model', model, '--json']);
    expect(statuses(redo1)[s1.id]).toBe('done');
    const ok = await cli(['merge', run, '--json']);
    expect(ok.exitCode, String(ok.stdout)).toBe(0);
  });
});

describe('merge refuses to mix models', () => {
  test('shards inferred with two models fail merge with MODELS_MIXED naming both models and their shards', async () => {
    const run = await copyRun('r-mixed');
    const second = await writeTinyModel(tmp.dir, { name: 'tiny-other' });
    expect((await cli(['infer', run, '--model', model, '--task', '0', '-q'])).exitCode).toBe(0);
    for (let t = 1; t < plan.tasks.pack.length; t++)
      expect((await cli(['infer', run, '--model', second, '--task', String(t), '-q'])).exitCode).toBe(0);
    const r = await cli(['merge', run, '--json']);
    expect(r.exitCode).toBe(1);
    const { error } = parseJson(r);
    expect(error.code).toBe('MODELS_MIXED');
    expect(error.message).toMatch(
      /model `tiny-nchw-224` \(sha256 [0-9a-f]{12}, card [0-9a-f]{12}, method sliding\) in shard-00000 vs model `tiny-other`/,
    );
    expect(error.message).toContain(plan.shards.list[1].id);
    await expect(stat(join(run, 'scores.csv'))).rejects.toThrow(/ENOENT/);
    // One model for every shard: infer redoes the other model's shards, then merge succeeds.
    const redo = await cli(['infer', run, '--model', model, '--json']);
    expect(statuses(redo)).toEqual(Object.fromEntries(plan.shards.list.map((s, i) => [s.id, i === 0 ? 'skipped' : 'done'])));
    expect((await cli(['merge', run, '-q'])).exitCode).toBe(0);
  });
});

/** Channel means of the tiny model's normalized input, and its two logits. */
function logits(pixels: Uint8Array, offset: number, p: number): [number, number] {
  const m = [0, 0, 0];
  for (let i = 0; i < p * p; i++) for (let c = 0; c < 3; c++) m[c] += (pixels[offset + i * 3 + c] / 255 - 0.5) / 0.25;
  const f = m.map((v) => v / (p * p));
  return [f[0] + f[1] * 0.5 - f[2] * 0.5, -f[0] - f[1] * 1.5 + f[2]];
}

/** The tiny model with log(logits + shift) on top: NaN exactly for patches whose smaller logit is below -shift. */
async function writePartlyNaNModel(dir: string, shift: number): Promise<string> {
  const name = 'partly-nan';
  const b = new GraphBuilder();
  const mean = b.op('ReduceMean', ['input'], { axes: [2, 3], keepdims: 0 });
  const z = b.op('MatMul', [mean, b.constFloat([3, 2], [1, -1, 0.5, -1.5, -0.5, 1])]);
  b.op('Log', [b.op('Add', [z, b.constFloat([], [shift])])], {}, ['scores']);
  const bytes = encodeModel({
    graphName: name,
    builder: b,
    inputs: [valueInfo('input', DT.FLOAT, ['N', 3, 224, 224])],
    outputs: [valueInfo('scores', DT.FLOAT, ['N', 2])],
  });
  const card: ModelCard = {
    schemaVersion: 1,
    name,
    input: { name: 'input', layout: 'NCHW', dtype: 'float32' },
    patchSizePx: 224,
    mpp: 0.5,
    normalization: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    output: { name: 'scores', kind: 'logits', positiveIndex: 1, labels: ['normal', 'tumour'] },
  };
  await writeFile(join(dir, `${name}.onnx`), bytes);
  await writeFile(join(dir, `${name}.json`), JSON.stringify(card));
  return join(dir, `${name}.onnx`);
}

describe('outputs that are not probabilities fail the shard', () => {
  test('a model that gives NaN for some patches fails the shard with PREDICTIONS_INVALID naming the first such patch', async () => {
    const run = await copyRun('r-nan');
    const shard = plan.shards.list[0];
    const reader = await ShardReader.open(join(run, 'shards', `${shard.id}.h5`));
    const { pixels } = reader.readPatches(0, reader.count);
    reader.close();
    const v = Array.from({ length: shard.patches }, (_, i) => Math.min(...logits(pixels, i * 224 * 224 * 3, 224)));
    // A threshold between two well-separated values, low enough that patch 0 stays finite.
    const sorted = [...v].sort((a, b) => a - b);
    let threshold = Number.NaN;
    for (let k = Math.floor(sorted.length / 2); k > 0 && Number.isNaN(threshold); k--) {
      const t = (sorted[k - 1] + sorted[k]) / 2;
      if (sorted[k] - sorted[k - 1] > 1e-3 && v[0] > t + 1e-3) threshold = t;
    }
    expect(Number.isNaN(threshold)).toBe(false);
    const firstBad = v.findIndex((x) => x < threshold);
    expect(firstBad).toBeGreaterThan(0);
    const nan = await writePartlyNaNModel(tmp.dir, -threshold);
    const r = await cli(['infer', run, '--model', nan, '--task', '0', '--batch-size', '4', '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const error = parseJson(r).shards[0].error;
    expect(error.code).toBe('PREDICTIONS_INVALID');
    expect(error.message).toContain(
      `${join(run, 'shards', `${shard.id}.h5`)}: the model's output for patch ${firstBad} of ${shard.id} is not a probability (class `,
    );
    expect(error.message).toContain('is NaN');
    await expect(stat(join(run, 'predictions', `${shard.id}.h5`))).rejects.toThrow(/ENOENT/);
    expect(await readMarker(join(run, 'markers', 'infer', `${shard.id}.json`))).toMatchObject({
      status: 'failed',
      error: { code: 'PREDICTIONS_INVALID' },
    });
  });

  test.each([
    ['a valid row', [0.25, 0.75], null],
    ['NaN', [0.5, 0.5, Number.NaN, 0.5], { row: 1, reason: 'class 0 is NaN' }],
    ['a value below 0', [0.5, 0.5, -0.2, 1.2], { row: 1, reason: 'class 0 is -0.2, outside [0, 1]' }],
    ['a value above 1', [1.5, -0.5], { row: 0, reason: 'class 0 is 1.5, outside [0, 1]' }],
    ['a row not summing to 1', [0.5, 0.5, 0.3, 0.3], { row: 1, reason: 'the 2 class probabilities sum to 0.600000, not 1' }],
    ['float32 rounding of a softmax', [Math.fround(0.1), Math.fround(0.9)], null],
  ])('findBadProbabilities flags %s', (_name, data, expected) => {
    expect(findBadProbabilities(Float32Array.from(data), 2, true)).toEqual(expected);
  });
});
