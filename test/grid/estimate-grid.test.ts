// estimateGrid counts, from the mask alone, the patches a grid can keep: never fewer than planGrid
// keeps, exactly as many at minTissue 0, and in milliseconds where laying the grid would take hours.
import { describe, expect, test } from 'vitest';
import {
  GRID_LIMITS,
  assertGridWithinLimit,
  estimateGrid,
  normalizeGridOptions,
  planGrid,
  type GridMask,
  type LevelChoice,
} from '../../src/grid/index.js';
import { mask } from './masks.js';
import { WsiHpcError } from '../../src/errors.js';

const choiceAt = (readSizePx: number, downsample = 1): LevelChoice => ({
  level: downsample === 1 ? 0 : 1,
  downsample,
  levelMpp: 0.5 * downsample,
  patchMpp: 0.5,
  readSizePx,
  resampled: false,
  upsampled: false,
});

/** Seeded blobs and specks: several tissue pieces with holes, like a thresholded thumbnail. */
function blobs(width: number, height: number, scale: number, seed: number): GridMask {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const discs = Array.from({ length: 6 }, () => ({ x: rnd() * width, y: rnd() * height, r: 2 + rnd() * width * 0.2 }));
  return mask(width, height, scale, (x, y) => {
    const inDisc = discs.some((d) => (x - d.x) ** 2 + (y - d.y) ** 2 < d.r ** 2);
    return inDisc || rnd() < 0.01 ? 1 : 0;
  });
}

const cfgOf = (patchSizePx: number, stridePx: number, minTissue: number) =>
  normalizeGridOptions({ patchSizePx, stridePx, minTissue, targetMpp: 0.5 });

describe('estimateGrid against the grid planGrid lays', () => {
  // name, slide w, h, mask, patch, stride, expected maxPatches
  test.each<[string, number, number, GridMask, number, number, number]>([
    ['an empty mask', 1000, 800, mask(100, 80, 10, () => 0), 100, 100, 0],
    ['a full mask: every candidate', 1000, 800, mask(100, 80, 10, () => 1), 100, 50, 19 * 15],
    ['one patch on a one-patch slide', 100, 100, mask(10, 10, 10, () => 1), 100, 100, 1],
    [
      'one tissue pixel under four overlapping patches',
      1000,
      1000,
      mask(100, 100, 10, (x, y) => (x === 15 && y === 15 ? 1 : 0)),
      100,
      50,
      4,
    ],
    ['a patch larger than the slide', 90, 500, mask(9, 50, 10, () => 1), 100, 100, 0],
    ['a zero-size mask', 1000, 800, { width: 0, height: 0, data: new Uint8Array(0), scaleX: 10, scaleY: 10 }, 100, 100, 0],
  ])('%s', (_name, w, h, m, patch, stride, expected) => {
    const cfg = cfgOf(patch, stride, 0);
    const est = estimateGrid({ width: w, height: h }, m, choiceAt(patch), cfg);
    expect(est.maxPatches).toBe(expected);
    expect(planGrid({ width: w, height: h }, m, choiceAt(patch), cfg).tissue.length).toBe(expected);
  });

  // Random tissue, integer and fractional mask scales, read levels with downsample, strides below the patch.
  test.each<[string, number, number, number, number, number, number]>([
    // name, seed, mask scale, patch, stride, downsample, slide size
    ['blobs, scale 16, stride = patch', 1, 16, 224, 224, 1, 6000],
    ['blobs, scale 16, stride 1/4 patch', 2, 16, 224, 56, 1, 4000],
    ['blobs, scale 7.3, odd stride', 3, 7.3, 100, 37, 1, 3000],
    ['blobs, scale 5, level downsample 4', 4, 5, 64, 20, 4, 5000],
    ['blobs, scale 12.5, patch larger than a blob', 6, 12.5, 300, 150, 1, 8000],
    ['blobs, scale 1, stride 3', 5, 1, 20, 3, 1, 400],
  ])('%s: exact at minTissue 0, an upper bound above it', (_name, seed, scale, patch, stride, downsample, size) => {
    const m = blobs(Math.ceil(size / scale), Math.ceil((size * 0.75) / scale), scale, seed);
    const extent = { width: size, height: Math.round(size * 0.75) };
    const est = estimateGrid(extent, m, choiceAt(patch, downsample), cfgOf(patch, stride, 0));
    const touching = planGrid(extent, m, choiceAt(patch, downsample), cfgOf(patch, stride, 0), est.maxPatches).tissue.length;
    expect(touching).toBeGreaterThan(0);
    expect(est.maxPatches).toBe(touching);
    for (const minTissue of [0.25, 0.5, 1]) {
      const kept = planGrid(extent, m, choiceAt(patch, downsample), cfgOf(patch, stride, minTissue)).tissue.length;
      expect(kept).toBeLessThanOrEqual(est.maxPatches);
    }
  });

  test('a 20000 x 15000 slide at stride 1 is counted in well under a second, without laying its 292 M positions', () => {
    const m = blobs(1250, 938, 16, 9);
    const t0 = performance.now();
    const est = estimateGrid({ width: 20000, height: 15000 }, m, choiceAt(224), cfgOf(224, 1, 0.25));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(est.candidates).toBe(19777 * 14777);
    expect(est.maxPatches).toBeGreaterThan(GRID_LIMITS.maxPatchesPerSlide);
  });

  test('planGrid given the estimate as capacity holds no more than 12 bytes per possible patch', () => {
    const m = blobs(250, 188, 16, 7);
    const extent = { width: 4000, height: 3000 };
    const est = estimateGrid(extent, m, choiceAt(224), cfgOf(224, 28, 0.25));
    const grid = planGrid(extent, m, choiceAt(224), cfgOf(224, 28, 0.25), est.maxPatches);
    expect(grid.tissue.length).toBeGreaterThan(1000);
    expect(grid.coords.buffer.byteLength).toBeLessThanOrEqual(8 * est.maxPatches);
    expect(grid.tissue.buffer.byteLength).toBeLessThanOrEqual(4 * est.maxPatches);
  });
});

describe('assertGridWithinLimit', () => {
  const cfg = cfgOf(224, 1, 0.25);
  test('passes at the limit', () => {
    expect(() => assertGridWithinLimit({ candidates: 10, maxPatches: 5 }, cfg, 5, 's.tif')).not.toThrow();
  });
  test('fails over it with GRID_TOO_LARGE naming the slide, the figure, stride, patch size and the override', () => {
    let err: unknown;
    try {
      assertGridWithinLimit({ candidates: 292_246_529, maxPatches: 123_456_789 }, cfg, 20_000_000, '/data/s.tif');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WsiHpcError);
    const e = err as WsiHpcError;
    expect(e.code).toBe('GRID_TOO_LARGE');
    expect(e.file).toBe('/data/s.tif');
    expect(e.message).toContain('/data/s.tif: --stride 1 with 224 px patches would lay up to 123,456,789 patches');
    expect(e.message).toContain('1,413 MiB grid file');
    expect(e.message).toContain('limit of 20,000,000 patches per slide');
    expect(e.hint).toBe('Raise --stride (the default is the patch size, 224), or pass --max-grid-patches 123456789 to plan it anyway');
  });
});
