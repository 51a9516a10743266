import { describe, expect, test } from 'vitest';
import { coverage, integralImage, normalizeGridOptions, planGrid, resolveLevel, type LevelChoice } from '../../src/grid/index.js';
import { mask } from './masks.js';

const level0 = (readSizePx: number): LevelChoice => ({
  level: 0,
  downsample: 1,
  levelMpp: 0.5,
  patchMpp: 0.5,
  readSizePx,
  resampled: false,
  upsampled: false,
});

describe('planGrid', () => {
  test.each([
    // name, slide w, h, patch, stride, mask fill, expected count
    ['an empty mask gives no patches', 1000, 800, 100, 100, () => 0, 0],
    ['a full mask gives every whole patch', 1000, 800, 100, 100, () => 1, 80],
    ['a one-patch slide gives one patch', 100, 100, 100, 100, () => 1, 1],
    ['a patch bigger than the slide gives none', 90, 500, 100, 100, () => 1, 0],
    ['half stride doubles positions per axis minus one', 1000, 800, 100, 50, () => 1, 19 * 15],
    ['partial last patches are never laid', 1050, 850, 100, 100, () => 1, 80],
  ])('%s', (_name, w, h, patch, stride, fill, expected) => {
    const cfg = normalizeGridOptions({ patchSizePx: patch, stridePx: stride, minTissue: 0.5, targetMpp: 0.5 });
    const grid = planGrid({ width: w, height: h }, mask(Math.ceil(w / 10), Math.ceil(h / 10), 10, fill), level0(patch), cfg);
    expect(grid.tissue.length).toBe(expected);
    expect(grid.coords.length).toBe(2 * expected);
  });

  test('grid skips patches under minTissue and keeps those at or over it', () => {
    // Left 35 % of the slide is tissue: patch 3 (x 200-300) is fully in, patch 4 (300-400) half in.
    const m = mask(100, 10, 10, (x) => (x < 35 ? 1 : 0));
    const at = (minTissue: number) =>
      planGrid({ width: 1000, height: 100 }, m, level0(100), normalizeGridOptions({ patchSizePx: 100, minTissue, targetMpp: 0.5 }));
    expect(at(0.5).tissue.length).toBe(4);
    expect(at(0.51).tissue.length).toBe(3);
    expect(Array.from(at(0.5).tissue)).toEqual([1, 1, 1, 0.5]);
  });

  test('patches come in row-major order with level-0 coordinates', () => {
    const cfg = normalizeGridOptions({ patchSizePx: 50, minTissue: 0.1, targetMpp: 0.5 });
    const grid = planGrid(
      { width: 200, height: 100 },
      mask(20, 10, 10, () => 1),
      level0(50),
      cfg,
    );
    expect(Array.from(grid.coords)).toEqual([0, 0, 50, 0, 100, 0, 150, 0, 0, 50, 50, 50, 100, 50, 150, 50]);
  });

  test('the same inputs give the same grid (deterministic)', () => {
    const m = mask(300, 200, 16, (x, y) => ((x * 7 + y * 13) % 5 < 3 ? 1 : 0));
    const cfg = normalizeGridOptions({ patchSizePx: 224, stridePx: 112, targetMpp: 0.5 });
    const a = planGrid({ width: 4800, height: 3200 }, m, level0(224), cfg);
    const b = planGrid({ width: 4800, height: 3200 }, m, level0(224), cfg);
    expect(Buffer.from(a.coords.buffer).equals(Buffer.from(b.coords.buffer))).toBe(true);
    expect(a.tissue.length).toBeGreaterThan(0);
  });

  test('a resampled level scales footprint and stride into level 0', () => {
    // 0.25 µm/px slide with levels 1, 4: 224 px at 0.5 µm/px reads 448 px at level 0.
    const cfg = normalizeGridOptions({ patchSizePx: 224, targetMpp: 0.5, stridePx: 112, minTissue: 0 });
    const choice = resolveLevel({ downsamples: [1, 4], mpp: 0.25 }, cfg);
    expect(choice).toMatchObject({ level: 0, readSizePx: 448, resampled: true });
    const grid = planGrid(
      { width: 2000, height: 1000 },
      mask(20, 10, 100, () => 1),
      choice,
      cfg,
    );
    expect(grid.footprintLevel0).toBe(448);
    expect(grid.strideLevel0).toBe(224);
    expect(grid.cols).toBe(Math.floor((2000 - 448) / 224) + 1);
  });
});

describe('coverage', () => {
  test('is exact for boxes with fractional edges', () => {
    const m = mask(4, 4, 1, (x, y) => (x < 2 && y < 2 ? 1 : 0));
    const sat = integralImage(m);
    expect(coverage(sat, m, 0, 0, 2, 2)).toBe(1);
    expect(coverage(sat, m, 1, 1, 3, 3)).toBeCloseTo(0.25);
    expect(coverage(sat, m, 1.5, 0, 2.5, 1)).toBeCloseTo(0.5);
    expect(coverage(sat, m, 3, 3, 4, 4)).toBe(0);
  });
});
