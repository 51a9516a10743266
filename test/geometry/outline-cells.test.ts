// Tests of src/geometry/outline-cells.ts: every cell an edge touches is marked, interior cells are not.
import { expect, test } from 'vitest';
import { markOutlineCells, rasterizePolygons } from '../../src/geometry/index.js';
import type { Polygon } from '../../src/geometry/index.js';

test.each<[string, Polygon[], number, number]>([
  ['an empty list marks nothing', [], 8, 0],
  [
    'a square from 8 to 56 with 16 px cells marks its ring of 12 cells',
    [
      {
        rings: [
          [
            [8, 8],
            [56, 8],
            [56, 56],
            [8, 56],
          ],
        ],
      },
    ],
    16,
    12,
  ],
  [
    'a diagonal triangle marks the cells along its hypotenuse',
    [
      {
        rings: [
          [
            [0, 0],
            [64, 0],
            [0, 64],
          ],
        ],
      },
    ],
    16,
    4 + 3 + 4 + 0,
  ],
])('%s', (_name, polygons, cellPx, expected) => {
  const marks = markOutlineCells(polygons, 4, 4, 1 / cellPx);
  expect(marks.reduce((s, v) => s + v, 0)).toBeGreaterThanOrEqual(expected);
  if (polygons.length === 0) expect(marks.every((v) => v === 0)).toBe(true);
});

test('every unmarked cell is wholly inside or wholly outside the polygon', () => {
  const blob: Polygon = {
    rings: [
      Array.from({ length: 40 }, (_, k) => {
        const a = (k / 40) * 2 * Math.PI;
        const r = 100 + 30 * Math.sin(3 * a);
        return [160 + r * Math.cos(a), 150 + r * Math.sin(a)] as [number, number];
      }),
    ],
  };
  const cell = 16;
  const cols = 20;
  const marks = markOutlineCells([blob], cols, cols, 1 / cell);
  const fine = rasterizePolygons([blob], cols * cell, cols * cell);
  for (let cy = 0; cy < cols; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      if (marks[cy * cols + cx]) continue;
      const values = new Set<number>();
      for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++) values.add(fine[(cy * cell + y) * cols * cell + cx * cell + x]);
      expect(values.size).toBe(1);
    }
  }
});
