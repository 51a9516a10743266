// Tests of src/geometry/rasterize.ts: coverage counts, fill rules, holes, clipping, scale and offsets.
import { describe, expect, test } from 'vitest';
import { rasterizePolygons } from '../../src/geometry/index.js';
import type { FillRule, Polygon, Ring } from '../../src/geometry/index.js';

const square = (x: number, y: number, size: number): Ring => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
];
const reversed = (ring: Ring): Ring => [...ring].reverse();
const count = (raster: Uint8Array): number => raster.reduce((sum, v) => sum + (v > 0 ? 1 : 0), 0);

describe('rasterizePolygons', () => {
  test.each<[string, Polygon[], number, number, number, FillRule, number]>([
    ['an empty list gives an empty mask', [], 10, 10, 1, 'evenodd', 0],
    ['a 4x4 square covers 16 pixels', [{ rings: [square(2, 2, 4)] }], 10, 10, 1, 'evenodd', 16],
    ['a square given clockwise covers the same 16 pixels', [{ rings: [reversed(square(2, 2, 4))] }], 10, 10, 1, 'nonzero', 16],
    [
      'a right triangle covers about half its box',
      [
        {
          rings: [
            [
              [0, 0],
              [10, 0],
              [0, 10],
            ],
          ],
        },
      ],
      10,
      10,
      1,
      'evenodd',
      45,
    ],
    ['a hole is excluded under evenodd', [{ rings: [square(0, 0, 10), square(3, 3, 4)] }], 10, 10, 1, 'evenodd', 84],
    [
      'an opposite-wound hole is excluded under nonzero',
      [{ rings: [square(0, 0, 10), reversed(square(3, 3, 4))] }],
      10,
      10,
      1,
      'nonzero',
      84,
    ],
    ['a same-wound hole is filled under nonzero', [{ rings: [square(0, 0, 10), square(3, 3, 4)] }], 10, 10, 1, 'nonzero', 100],
    ['a polygon partly outside is clipped', [{ rings: [square(-5, -5, 10)] }], 10, 10, 1, 'evenodd', 25],
    ['a polygon wholly outside covers nothing', [{ rings: [square(20, 20, 5)] }], 10, 10, 1, 'evenodd', 0],
    ['scale 1/4 maps a 16 px square to 4x4 target pixels', [{ rings: [square(0, 0, 16)] }], 10, 10, 0.25, 'evenodd', 16],
    ['scale 2 maps a 3 px square to 6x6 target pixels', [{ rings: [square(1, 1, 3)] }], 10, 10, 2, 'evenodd', 36],
    ['overlapping polygons union', [{ rings: [square(0, 0, 4)] }, { rings: [square(2, 2, 4)] }], 10, 10, 1, 'evenodd', 28],
    [
      'a zero-area polygon covers nothing',
      [
        {
          rings: [
            [
              [1, 1],
              [5, 1],
              [9, 1],
            ],
          ],
        },
      ],
      10,
      10,
      1,
      'evenodd',
      0,
    ],
  ])('%s', (_name, polygons, width, height, scale, fillRule, expected) => {
    expect(count(rasterizePolygons(polygons, width, height, scale, { fillRule }))).toBe(expected);
  });

  test('pixels are covered by centre: a square from 2 to 6 covers columns and rows 2..5', () => {
    const raster = rasterizePolygons([{ rings: [square(2, 2, 4)] }], 8, 8);
    const rows = Array.from({ length: 8 }, (_, y) => Array.from(raster.subarray(y * 8, y * 8 + 8)).join(''));
    expect(rows).toEqual(['00000000', '00000000', '00111100', '00111100', '00111100', '00111100', '00000000', '00000000']);
  });

  test('offsets shift the window onto level-0 coordinates', () => {
    const raster = rasterizePolygons([{ rings: [square(100, 100, 4)] }], 4, 4, 1, { offsetX: 100, offsetY: 100 });
    expect(count(raster)).toBe(16);
  });

  test('painting values into one raster keeps the last layer on top', () => {
    const labels = rasterizePolygons([{ rings: [square(0, 0, 10)] }], 10, 10, 1, { value: 1 });
    rasterizePolygons([{ rings: [square(0, 0, 5)] }], 10, 10, 1, { value: 7, into: labels });
    expect(labels[0]).toBe(7);
    expect(labels[99]).toBe(1);
    expect(count(labels)).toBe(100);
  });

  test('an invalid size or scale is refused with every problem named', () => {
    expect(() => rasterizePolygons([], -1, 2.5, 0)).toThrow(
      'rasterizePolygons: expected `width` to be a non-negative integer, received `-1`; `height` to be a non-negative integer, received `2.5`; `scale` to be a positive number, received `0`',
    );
  });

  test('a raster to paint into must have width*height pixels', () => {
    expect(() => rasterizePolygons([], 4, 4, 1, { into: new Uint8Array(3) })).toThrow(
      '`into` to have width*height = 16 pixels, received 3',
    );
  });
});
