// ArraySlideReader: the in-memory double used by pure tests of other modules.

import { expect, test } from 'vitest';
import { ArraySlideReader } from '../../../src/slide/index.js';
import { cropWhite, makePattern } from '../fixtures.js';

const image = makePattern(101, 67, 5);

test('fromImage builds 2x box-filtered levels with OpenSlide-style downsamples', () => {
  const slide = ArraySlideReader.fromImage(image, { levelCount: 3, mpp: 0.5 });
  expect(slide.info.levels.map((l) => [l.width, l.height])).toEqual([
    [101, 67],
    [50, 33],
    [25, 16],
  ]);
  expect(slide.info.levels[1].downsample).toBeCloseTo((101 / 50 + 67 / 33) / 2, 12);
  expect(slide.info).toMatchObject({ mppX: 0.5, mppSource: 'override', path: 'memory://array' });
});

test('level 1 pixels are the rounded mean of 2x2 blocks', async () => {
  const slide = ArraySlideReader.fromImage(image, { levelCount: 2 });
  const { data } = await slide.readRegion(1, 3, 4, 1, 1);
  const px = (x: number, y: number, c: number): number => image.data[(y * 101 + x) * 3 + c];
  for (let c = 0; c < 3; c++) expect(data[c]).toBe((px(6, 8, c) + px(7, 8, c) + px(6, 9, c) + px(7, 9, c) + 2) >> 2);
});

test.each([
  [0, 0, 101, 67],
  [90, 60, 20, 10],
  [-5, -5, 10, 10],
  [200, 200, 4, 4],
])('readRegion(0, %d, %d, %d, %d) equals the crop, white outside', async (x, y, w, h) => {
  const slide = new ArraySlideReader([image]);
  expect(await slide.readRegion(0, x, y, w, h)).toEqual(cropWhite(image, x, y, w, h));
});

test('mismatched level data is refused with a message', () => {
  expect(() => new ArraySlideReader([{ width: 2, height: 2, data: new Uint8Array(5) }])).toThrow(
    'Expected level 0 data to hold 2x2x3 bytes, received 5',
  );
  expect(() => new ArraySlideReader([])).toThrow('Expected at least one level image for ArraySlideReader, received none');
});
