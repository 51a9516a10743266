// Through the built CLI: `infer` refuses a model that disagrees with its card or whose "probabilities"
// are not, before any shard (exit 1, no predictions); garbage .onnx files and broken cards give an error
// naming the file, never a protobuf stack, in `infer`, `model inspect` and `study`.
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeGarbageModel, writeOddModel, type GarbageKind, type OddModelOptions } from '../fixtures/bad-models.js';
import { cli, makeCohort, makeTempDir, parseJson } from '../fixtures/index.js';
import { writeTinyModel } from '../fixtures/models.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slides: string;
let packed: string;
let models: string;
let runs = 0;

beforeAll(async () => {
  tmp = await makeTempDir('model-errors');
  slides = join(tmp.dir, 'slides');
  await makeCohort(slides, 2, 3000, 2500, 5);
  packed = join(tmp.dir, 'packed');
  expect((await cli(['plan', slides, '--out', packed, '--patches-per-shard', '40', '-q'])).exitCode).toBe(0);
  expect((await cli(['pack', packed, '-q'])).exitCode).toBe(0);
  models = join(tmp.dir, 'models');
  await mkdir(models);
});
afterAll(() => tmp?.cleanup());

/** A fresh copy of the packed run, so each refusal is checked on a run with no predictions. */
async function freshRun(): Promise<string> {
  const run = join(tmp.dir, `run-${runs++}`);
  await cp(packed, run, { recursive: true });
  return run;
}

async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }).catch(() => [] as string[])).sort();
}

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(text).not.toContain('internal error');
}

describe('infer refuses a model whose output cannot be trusted, before any shard', () => {
  test.each([
    [
      'positive index past the outputs',
      { name: 'pos', card: { output: { positiveIndex: 2, labels: ['a', 'b', 'c'] } } },
      'positiveIndex 2 is past the 2 output classes',
    ],
    ['missing output name', { name: 'noout', card: { output: { name: 'prob' } } }, 'card output `prob` is not a graph output (graph: out)'],
    [
      'input size different from the card',
      { name: 'size', graphPatchPx: 96, card: { patchSizePx: 224 } },
      "graph input height is 96 but the card's patchSizePx is 224",
    ],
    ['one-class output', { name: 'one', classes: 1, head: 'sigmoid' }, 'the output has one class'],
    [
      'raw scores called probabilities',
      { name: 'scores', card: { output: { kind: 'probabilities' } } },
      'the card says output.kind probabilities, but the black patch gives',
    ],
    ['sigmoid columns called probabilities', { name: 'sigmoids', head: 'sigmoid' }, 'probabilities lie in [0, 1] and sum to 1'],
  ] as Array<[string, OddModelOptions, string]>)(
    '%s: exit 1, MODEL_MISMATCH naming model and card, no predictions',
    async (_, o, problem) => {
      const model = await writeOddModel(models, { graphPatchPx: 224, ...o });
      const run = await freshRun();
      const before = await listing(run);
      const r = await cli(['infer', run, '--model', model, '--json']);
      expect(r.exitCode, String(r.stderr)).toBe(1);
      const { error } = parseJson(r);
      expect(error).toMatchObject({ code: 'MODEL_MISMATCH', file: model, hint: expect.stringContaining(`wsi-hpc model inspect ${model}`) });
      expect(error.message).toContain(`${model}: `);
      expect(error.message).toContain(model.replace(/\.onnx$/, '.json'));
      expect(error.message).toContain(problem);
      expect(await listing(run)).toEqual(before);
      const text = await cli(['infer', run, '--model', model]);
      expect(text.exitCode).toBe(1);
      expect(String(text.stderr)).toContain(`error: ${model}: `);
      expect(String(text.stderr)).toContain('hint: ');
      expectNoStack(String(text.stderr));
    },
  );

  test('a model the card describes correctly still runs (exit 0, every shard inferred)', async () => {
    const model = await writeOddModel(models, { name: 'fine', graphPatchPx: 224, head: 'softmax' });
    const run = await freshRun();
    const r = await cli(['infer', run, '--model', model, '--json']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(parseJson(r).failed).toBe(0);
    expect((await listing(join(run, 'predictions'))).filter((f) => f.endsWith('.h5')).length).toBeGreaterThan(0);
  });
});

describe('a garbage .onnx gives an error naming the file', () => {
  test.each(['random', 'text', 'empty', 'truncated'] as GarbageKind[])(
    '%s: infer and model inspect exit 1 with MODEL_INVALID',
    async (kind) => {
      const model = await writeGarbageModel(models, kind, 224);
      const run = await freshRun();
      const before = await listing(run);
      const r = await cli(['infer', run, '--model', model, '--json']);
      expect(r.exitCode, String(r.stderr)).toBe(1);
      expect(parseJson(r).error).toMatchObject({
        code: 'MODEL_INVALID',
        file: model,
        message: expect.stringMatching(/^.+: (empty file \(0 bytes\)|not a readable ONNX model)/),
      });
      expect(await listing(run)).toEqual(before);
      for (const args of [
        ['infer', run, '--model', model],
        ['model', 'inspect', model],
      ]) {
        const t = await cli(args);
        expect(t.exitCode).toBe(1);
        expect(String(t.stderr)).toContain(`error: ${model}: `);
        expect(String(t.stderr)).toContain('hint: Re-export the model');
        expectNoStack(String(t.stderr));
      }
    },
  );

  test('a missing model file is named, for infer and model inspect', async () => {
    const model = join(models, 'absent.onnx');
    for (const args of [
      ['infer', await freshRun(), '--model', model, '--json'],
      ['model', 'inspect', model, '--json'],
    ]) {
      const r = await cli(args);
      expect(r.exitCode).toBe(1);
      expect(parseJson(r).error).toMatchObject({
        code: 'MODEL_INVALID',
        file: model,
        message: expect.stringMatching(/: (no such file|cannot read the model \(ENOENT\))$/),
      });
      expect(parseJson(r).error.message.startsWith(`${model}: `)).toBe(true);
    }
  });

  test('study with a garbage model names the file (no stack)', async () => {
    const model = await writeGarbageModel(models, 'truncated', 224);
    const r = await cli(['study', slides, '--annotations', join(slides, 'annotations'), '--model', model, '--out', join(tmp.dir, 'study')]);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain(`error: ${model}: not a readable ONNX model`);
    expectNoStack(String(r.stderr));
  });
});

describe('a missing or malformed card names the card file', () => {
  test.each([
    ['missing', null, 'no model card for'],
    ['not JSON', '{ "schemaVersion": 1, "name": ', 'the model card is not valid JSON'],
    ['not an object', '[1, 2]', 'the model card is not a JSON object'],
    ['incomplete', '{ "schemaVersion": 1, "name": "x" }', 'invalid model card:\n  - input.name must be the graph input name'],
  ] as Array<[string, string | null, string]>)('%s card: infer exits 1 with MODEL_INVALID', async (label, text, problem) => {
    const model = await writeTinyModel(models, { name: `card-${label.replace(/ /g, '-')}` });
    const card = model.replace(/\.onnx$/, '.json');
    if (text === null) await rm(card);
    else await writeFile(card, text);
    const r = await cli(['infer', await freshRun(), '--model', model, '--json']);
    expect(r.exitCode).toBe(1);
    const { error } = parseJson(r);
    expect(error).toMatchObject({ code: 'MODEL_INVALID', file: card });
    expect(error.message).toContain(`${card}: `);
    expect(error.message).toContain(problem);
    const inspect = await cli(['model', 'inspect', model]);
    expect(String(inspect.stderr)).toContain(`warning: ${card}: `);
    expectNoStack(String(inspect.stderr));
  });
});
