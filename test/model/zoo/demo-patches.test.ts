// Labelled patch sampling: inside tissue, labels from the tumour polygons minus exclusions,
// balanced on tumour slides, distinct and seeded.
import { describe, expect, test } from 'vitest';
import type { Polygon } from '../../../src/geometry/index.js';
import { isTumourAt, sampleLabelledPoints } from '../../../src/model/zoo/index.js';
import { createUniformRng } from '../../../src/model/zoo/prng.js';

const square = (x: number, y: number, size: number): Polygon => ({
  rings: [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
    ],
  ],
});
const tissue = [square(0, 0, 4000)];
const truth = { regions: [square(1000, 1000, 1000)], exclusions: [square(1400, 1400, 200)] };

describe('sampleLabelledPoints', () => {
  test('gives half tumour and half normal centres, labelled by the polygons minus exclusions', () => {
    const points = sampleLabelledPoints(tissue, truth, 200, createUniformRng(1));
    expect(points).toHaveLength(200);
    expect(points.filter((p) => p.label === 1)).toHaveLength(100);
    for (const p of points) expect(p.label).toBe(isTumourAt(truth, p.x, p.y) ? 1 : 0);
    expect(points.some((p) => p.x > 1400 && p.x < 1600 && p.y > 1400 && p.y < 1600 && p.label === 1)).toBe(false);
    expect(new Set(points.map((p) => `${p.x},${p.y}`)).size).toBe(200);
  });

  test('gives only normal centres on a slide without tumour, and none outside tissue', () => {
    const points = sampleLabelledPoints([square(500, 500, 800)], { regions: [], exclusions: [] }, 50, createUniformRng(2));
    expect(points.every((p) => p.label === 0 && p.x > 500 && p.x < 1300 && p.y > 500 && p.y < 1300)).toBe(true);
    expect(points).toHaveLength(50);
  });

  test('stops at the distinct cells available when asked for more', () => {
    expect(sampleLabelledPoints([square(0, 0, 64)], { regions: [], exclusions: [] }, 10, createUniformRng(3), 32)).toHaveLength(4);
  });

  test('is reproducible for a seed', () => {
    expect(sampleLabelledPoints(tissue, truth, 40, createUniformRng(9))).toEqual(
      sampleLabelledPoints(tissue, truth, 40, createUniformRng(9)),
    );
  });
});
