// denseHeatmap equals the sliding-window heatmap (one session.run per patch) on a real H&E region
// for the valid-padding CNN, at strides 32 and 16 and off-grid strides; with 'same' zero padding
// they differ at patch borders, by the amount asserted here.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  buildFcn,
  compareHeatmaps,
  convertToDense,
  createDenseSession,
  createPatchSession,
  denseHeatmap,
  slidingHeatmap,
  type DenseSession,
  type PatchSession,
} from '../../../src/model/dense/index.js';
import { openSlide, type RgbImage } from '../../../src/slide/index.js';
import { smallHePath } from '../../fixtures/index.js';

/** Tissue in small_HE.svs (lymph node, level 0, 0.499 µm/px): a 352x352 window and an odd-sized one inside it. */
const REGION = { x: 1000, y: 800, width: 352, height: 352 };

async function readWindow(): Promise<RgbImage> {
  const path = smallHePath();
  if (path === null) throw new Error('small_HE.svs is missing (outside CI): these tests need the real H&E region');
  const slide = await openSlide(path);
  try {
    return await slide.readRegion(0, REGION.x, REGION.y, REGION.width, REGION.height);
  } finally {
    await slide.close();
  }
}

function crop(image: RgbImage, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) data.set(image.data.subarray(y * image.width * 3, (y * image.width + width) * 3), y * width * 3);
  return { width, height, data };
}

interface Pair {
  dense: DenseSession;
  patch: PatchSession;
}

async function openPair(padding: 'valid' | 'same'): Promise<Pair> {
  const model = buildFcn({ padding });
  return {
    dense: await createDenseSession(convertToDense(model.bytes, model.card)),
    patch: await createPatchSession(model.bytes, model.card),
  };
}

describe('denseHeatmap on a real H&E region', () => {
  let window: RgbImage;
  let valid: Pair;
  let same: Pair;
  beforeAll(async () => {
    window = await readWindow();
    [valid, same] = [await openPair('valid'), await openPair('same')];
  });
  afterAll(async () => {
    for (const pair of [valid, same]) await Promise.all([pair?.dense.session.release(), pair?.patch.session.release()]);
  });

  test.each([
    [32, 5, 1],
    [16, 9, 4],
  ])(
    'valid padding, stride %i: the %i-cell-wide grid from %i dense run(s) equals the sliding window within 1e-4',
    async (stride, cells, runs) => {
      const dense = await denseHeatmap(valid.dense, window, stride);
      const sliding = await slidingHeatmap(valid.patch, window, stride, { batchSize: 16 });
      expect([dense.width, dense.height, dense.runs]).toEqual([cells, cells, runs]);
      expect(sliding.runs).toBe(Math.ceil((cells * cells) / 16));
      const diff = compareHeatmaps(dense, sliding);
      expect(diff.cells).toBe(cells * cells);
      expect(diff.maxAbsLogit).toBeLessThan(1e-4);
      expect(diff.maxAbsProbability).toBeLessThan(1e-4);
      // Not a constant map: the comparison means something.
      const p = Array.from(sliding.probabilities.subarray(cells * cells));
      expect(Math.max(...p) - Math.min(...p)).toBeGreaterThan(0.01);
    },
  );

  test.each([8, 56, 64])('valid padding, stride %i on an odd-sized 333x301 window also equals the sliding window', async (stride) => {
    const odd = crop(window, 333, 301);
    const dense = await denseHeatmap(valid.dense, odd, stride);
    const sliding = await slidingHeatmap(valid.patch, odd, stride);
    expect([dense.width, dense.height]).toEqual([Math.floor(109 / stride) + 1, Math.floor(77 / stride) + 1]);
    expect(compareHeatmaps(dense, sliding).maxAbsProbability).toBeLessThan(1e-4);
  });

  test('same (zero) padding: dense differs from the sliding window at patch borders, by 1e-3 to 0.2 in probability', async () => {
    const dense = await denseHeatmap(same.dense, window, 16);
    const sliding = await slidingHeatmap(same.patch, window, 16);
    const diff = compareHeatmaps(dense, sliding);
    expect(diff.maxAbsProbability).toBeGreaterThan(1e-3);
    expect(diff.maxAbsProbability).toBeLessThan(0.2);
  });

  test('slidingHeatmap with `cells` scores only those cells and leaves the rest NaN', async () => {
    const some = await slidingHeatmap(valid.patch, window, 32, {
      cells: [
        [0, 0],
        [4, 2],
      ],
    });
    const all = await slidingHeatmap(valid.patch, window, 32);
    expect(some.probabilities.filter((v) => !Number.isNaN(v)).length).toBe(2 * 2);
    expect(compareHeatmaps(some, all)).toMatchObject({ cells: 2, maxAbsProbability: 0 });
  });
});
