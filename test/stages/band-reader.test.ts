// The band reader cuts the same pixels as the tile reader, including patches hanging over the
// right and bottom edges of a level (white there), and merges nearby x-intervals.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSlide } from '../../src/slide/index.js';
import { BandReader, mergeIntervals } from '../../src/stages/pack/band-reader.js';
import { makePattern, makeTempDir, writePyramid } from '../slide/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let file: string;
beforeAll(async () => {
  tmp = await makeTempDir('bands');
  file = await writePyramid(makePattern(1500, 1100, 5), tmp.dir, 'deflate');
});
afterAll(() => tmp?.cleanup());

describe('mergeIntervals', () => {
  test.each([
    [
      [0, 100, 500],
      100,
      0,
      [
        [0, 200],
        [500, 600],
      ],
    ],
    [
      [0, 100, 500],
      100,
      256,
      [
        [0, 200],
        [500, 600],
      ],
    ],
    [[0, 100, 400], 100, 256, [[0, 500]]],
    [
      [300, 0],
      50,
      0,
      [
        [0, 50],
        [300, 350],
      ],
    ],
  ])('%j of size %i with gap %i', (xs, size, gap, want) => expect(mergeIntervals(xs, size, gap)).toEqual(want));
});

test('patches read from bands equal the tile reader, edges padded white', async () => {
  const slide = await openSlide(file);
  const level = slide.info.levels[0];
  const size = 224;
  const positions: Array<[number, number]> = [];
  for (let y = 0; y < level.height; y += 200) for (let x = 0; x < level.width; x += 300) positions.push([x, y]);
  const bands = new BandReader(
    { file, page: level.ifd, width: level.width, height: level.height, tileWidth: level.tileWidth, tileHeight: level.tileHeight },
    size,
    positions,
  );
  for (const [x, y] of positions) {
    const want = await slide.readRegion(0, x, y, size, size);
    const got = await bands.read(x, y);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(want.data)), `patch at ${x},${y}`).toBe(0);
  }
  await slide.close();
});
