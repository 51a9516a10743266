// The demo tumour classifier, trained for real on a small synthetic cohort: held-out AUC, the card,
// the written ONNX graph's own predictions on ground-truth points, and determinism.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSlide } from '../../../src/slide/index.js';
import { synthCohort, type SynthSidecar } from '../../../src/synth/index.js';
import { inspectModel } from '../../../src/model/index.js';
import { trainDemoModel, writeNormalizedPatch, type TrainDemoResult } from '../../../src/model/zoo/index.js';
import { makeTempDir } from '../../fixtures/index.js';

let dir: string;
let cleanup: () => Promise<void>;
let result: TrainDemoResult;
// Five slides: 1, 3, 4 have tumour, 2 and 5 are normal; the last two (4, 5) are held out.
const TRAINING = { slides: 5, width: 6000, height: 4500, seed: 3 };

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('wsi-hpc-zoo-demo-'));
  await synthCohort({ outDir: join(dir, 'cohort'), ...TRAINING });
  result = await trainDemoModel({ outDir: join(dir, 'models'), cohortDir: join(dir, 'cohort'), seed: 3, patchesPerSlide: 150 });
});
afterAll(() => cleanup());

// Tumour probability the written ONNX model gives the 224² level-0 patch centred on each point.
async function predict(bytes: Uint8Array, slidePath: string, points: [number, number][]): Promise<number[]> {
  const slide = await openSlide(slidePath);
  const input = new Float32Array(points.length * 3 * 224 * 224);
  for (const [i, [x, y]] of points.entries()) {
    const patch = await slide.readRegion(0, x - 112, y - 112, 224, 224);
    writeNormalizedPatch(input, i, patch.data, 224 * 224, result.card.normalization.mean, result.card.normalization.std);
  }
  await slide.close();
  const session = await ort.InferenceSession.create(bytes);
  const logits = (await session.run({ input: new ort.Tensor('float32', input, [points.length, 3, 224, 224]) })).logits.data as Float32Array;
  return points.map((_, i) => 1 / (1 + Math.exp(logits[2 * i] - logits[2 * i + 1])));
}

describe('trainDemoModel', () => {
  test('separates tumour from normal tissue on held-out slides (AUC > 0.9)', () => {
    expect(result.heldOut.slides).toEqual(['slide-004', 'slide-005']);
    expect(result.heldOut.positives).toBeGreaterThan(20);
    expect(result.heldOut.patches - result.heldOut.positives).toBeGreaterThan(100);
    expect(result.heldOut.auc).toBeGreaterThan(0.9);
    expect(result.heldOut.accuracy).toBeGreaterThan(0.85);
  });

  test('writes the card with tumour as the positive class and the held-out metrics', async () => {
    const card = JSON.parse(await readFile(result.cardPath, 'utf8'));
    expect(card).toEqual(result.card);
    expect(card.output.labels[card.output.positiveIndex]).toBe('tumour');
    expect(card.training.heldOut).toEqual(result.heldOut);
    expect(inspectModel(await readFile(result.onnxPath), card).disagreements).toEqual([]);
  });

  test("the ONNX model calls the generator's tumour sample points tumour and its stroma points not", async () => {
    const sidecar = JSON.parse(await readFile(join(dir, 'cohort/geometry/slide-004.json'), 'utf8')) as SynthSidecar;
    const points = [...sidecar.samples.tumour, ...sidecar.samples.stroma];
    const p = await predict(result.bytes, join(dir, 'cohort/slide-004.svs'), points);
    expect(p.slice(0, sidecar.samples.tumour.length).every((v) => v > 0.5)).toBe(true);
    expect(p.slice(sidecar.samples.tumour.length).every((v) => v < 0.5)).toBe(true);
  });

  test('training again on the same cohort and seed gives identical bytes', async () => {
    const again = await trainDemoModel({ outDir: join(dir, 'again'), cohortDir: join(dir, 'cohort'), seed: 3, patchesPerSlide: 150 });
    expect(Buffer.compare(again.bytes, result.bytes)).toBe(0);
    await rm(join(dir, 'again'), { recursive: true });
  });

  test('refuses a split whose held-out slides have no tumour', async () => {
    await expect(trainDemoModel({ outDir: join(dir, 'x'), cohortDir: join(dir, 'cohort'), heldOutSlides: 1 })).rejects.toThrow(
      'Expected training and held-out slides (last 1 of 5) to each include a tumour slide',
    );
  });
});
