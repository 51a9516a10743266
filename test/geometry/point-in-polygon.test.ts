// Tests of src/geometry/point-in-polygon.ts: agrees with the rasterizer's rules and boundary convention.
import { expect, test } from 'vitest';
import { pointInPolygon, rasterizePolygons } from '../../src/geometry/index.js';
import type { Polygon } from '../../src/geometry/index.js';

const donut: Polygon = {
  rings: [
    [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ],
    [
      [3, 3],
      [3, 7],
      [7, 7],
      [7, 3],
    ],
  ],
};

test.each([
  [5, 5, false, 'inside the hole'],
  [1, 1, true, 'in the ring'],
  [11, 5, false, 'outside'],
  [0, 5, true, 'on the left edge'],
  [10, 5, false, 'on the right edge'],
])('pointInPolygon(%d, %d) is %s (%s)', (x, y, expected) => {
  expect(pointInPolygon(donut, x, y)).toBe(expected);
});

test('pointInPolygon agrees with rasterizePolygons at every pixel centre', () => {
  const raster = rasterizePolygons([donut], 12, 12);
  for (let y = 0; y < 12; y++) {
    for (let x = 0; x < 12; x++) expect(pointInPolygon(donut, x + 0.5, y + 0.5) ? 1 : 0).toBe(raster[y * 12 + x]);
  }
});
