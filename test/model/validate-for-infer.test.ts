// validateModelForInfer refuses every model `model inspect` flags and every "probabilities" output that
// is not, naming the model and card files; garbage .onnx files are MODEL_INVALID naming the file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { inspectModel, readModelCard, validateModelForInfer, wrapModel } from '../../src/model/index.js';
import { writeGarbageModel, writeOddModel, type GarbageKind, type OddModelOptions } from '../fixtures/bad-models.js';
import { writeTinyModel } from '../fixtures/models.js';

const dir = mkdtempSync(join(tmpdir(), 'wsi-hpc-validate-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function validate(path: string, hasStainNorm = false): Promise<{ externalData: unknown[] }> {
  return validateModelForInfer({ file: path, bytes: readFileSync(path), card: await readModelCard(path), hasStainNorm });
}

describe('validateModelForInfer accepts models whose output can be trusted', () => {
  test.each([
    ['the tiny logits model', { name: 'ok-logits' }],
    ['a model ending in Softmax with kind probabilities', { name: 'ok-softmax', head: 'softmax' }],
    ['a model with a fixed batch of 1', { name: 'ok-batch1', batch: 1 }],
    ['a model with a fixed batch of 7 (probe patches cycled)', { name: 'ok-batch7', batch: 7, head: 'softmax' }],
    ['a three-class model', { name: 'ok-three', classes: 3 }],
  ] as Array<[string, OddModelOptions]>)('%s', async (_, o) => {
    await expect(validate(await writeOddModel(dir, o))).resolves.toEqual({ externalData: [] });
  });

  test('the tiny fixture model, with and without stain normalization in the wrapper', async () => {
    const path = await writeTinyModel(dir, { patchSizePx: 16 });
    await expect(validate(path)).resolves.toEqual({ externalData: [] });
    await expect(validate(path, true)).resolves.toEqual({ externalData: [] });
  });
});

describe('validateModelForInfer refuses', () => {
  test.each([
    [
      'a positiveIndex past the outputs (graph declares 2 classes)',
      { name: 'pos-static', card: { output: { positiveIndex: 2, labels: ['a', 'b', 'c'] } } },
      'positiveIndex 2 is past the 2 output classes',
    ],
    [
      'a positiveIndex past the outputs (class count only known by running it)',
      { name: 'pos-probe', declaredClasses: 'C', card: { output: { positiveIndex: 2, labels: ['a', 'b', 'c'] } } },
      'positiveIndex 2 is past the 2 output classes',
    ],
    [
      'an output name the graph lacks',
      { name: 'no-output', card: { output: { name: 'prob' } } },
      'card output `prob` is not a graph output (graph: out)',
    ],
    [
      'an input name the graph lacks',
      { name: 'no-input', card: { input: { name: 'images', layout: 'NCHW', dtype: 'float32' } } },
      'card input `images` is not a graph input (graph: input)',
    ],
    [
      'an input size different from the card',
      { name: 'size', graphPatchPx: 8, card: { patchSizePx: 16 } },
      "graph input height is 8 but the card's patchSizePx is 16",
    ],
    [
      'a one-class output',
      { name: 'one-class', classes: 1, head: 'sigmoid' },
      'the output has one class: a softmax over one class is always 1',
    ],
    [
      'a one-class output the graph does not declare',
      { name: 'one-class-probe', classes: 1, declaredClasses: 'C', card: { output: { kind: 'logits' } } },
      'the output has one class',
    ],
    [
      'raw scores that the card calls probabilities (outside [0, 1])',
      { name: 'scores-as-probs', card: { output: { kind: 'probabilities' } } },
      'the card says output.kind probabilities, but the black patch gives [',
    ],
    [
      'sigmoid columns that the card calls probabilities (rows not summing to 1)',
      { name: 'sigmoid-as-probs', head: 'sigmoid', classes: 2 },
      'probabilities lie in [0, 1] and sum to 1',
    ],
    [
      'a Softmax output that the card calls logits (a second softmax)',
      { name: 'softmax-as-logits', head: 'softmax', card: { output: { kind: 'logits' } } },
      'the card says output.kind logits but `out` comes out of Softmax',
    ],
  ] as Array<[string, OddModelOptions, string]>)('%s', async (_, o, problem) => {
    const path = await writeOddModel(dir, o);
    const err = await validate(path).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'MODEL_MISMATCH', file: path, hint: expect.stringContaining('wsi-hpc model inspect') });
    const message = (err as Error).message;
    expect(message).toContain(problem);
    expect(message.startsWith(`${path}: `)).toBe(true);
    expect(message).toContain(path.replace(/\.onnx$/, '.json'));
  });

  test('a sigmoid row that sums to 1 by chance is not enough: the row named is the first bad one', async () => {
    const path = await writeOddModel(dir, { name: 'sigmoid-3', head: 'sigmoid', classes: 3 });
    await expect(validate(path)).rejects.toThrowError(/the black patch gives \[[0-9., ]+\] \(sum [0-9.]+\)/);
  });

  test('names the --card file when the card is not beside the model', async () => {
    const path = await writeOddModel(dir, { name: 'elsewhere', card: { output: { name: 'prob' } } });
    const card = await readModelCard(path);
    await expect(
      validateModelForInfer({ file: path, cardFile: '/cards/other.json', bytes: readFileSync(path), card }),
    ).rejects.toThrowError(/the model does not match its card \/cards\/other\.json/);
  });
});

describe('garbage .onnx files are MODEL_INVALID naming the file', () => {
  test.each([
    ['random', /not a readable ONNX model \(4096 bytes; protobuf decoding failed: .*\); the file is truncated, damaged or not ONNX/],
    ['text', /not a readable ONNX model \(\d+ bytes; protobuf decoding failed/],
    ['empty', /empty file \(0 bytes\), not an ONNX model/],
    ['truncated', /not a readable ONNX model \(\d+ bytes; protobuf decoding failed: index out of range/],
  ] as Array<[GarbageKind, RegExp]>)('%s', async (kind, pattern) => {
    const path = await writeGarbageModel(dir, kind);
    const bytes = readFileSync(path);
    const card = await readModelCard(path);
    for (const run of [
      () => validateModelForInfer({ file: path, bytes, card }),
      async () => inspectModel(bytes, card, path),
      async () => wrapModel(bytes, card, path),
    ]) {
      const err = await run().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'MODEL_INVALID', file: path, hint: expect.stringContaining('Re-export the model') });
      expect((err as Error).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect((err as Error).message).toMatch(pattern);
    }
  });
});
