// The band reader cuts the same pixels as the tile reader, including patches hanging over the
// edges of a level (white there), and merges nearby x-intervals; with libvips bands and TurboJPEG workers.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSlide } from '../../src/slide/index.js';
import { readTiffStructure } from '../../src/slide/tiff/tiff-structure.js';
import { TileDecodePool } from '../../src/slide/tiff/tile-decode-pool.js';
import { alignIntervals, type BandLevel, BandReader, type BandSource, mergeIntervals } from '../../src/stages/pack/band-reader.js';
import { isTurboJpegLevel, TileBandSource } from '../../src/stages/pack/tile-band-source.js';
import { VipsBandSource } from '../../src/stages/pack/vips-band-source.js';
import { sharedArena } from '../../src/util/shared-arena.js';
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

// Every position of a 300 x 200 lattice over the level, plus patches hanging over each edge.
function positionsOver(width: number, height: number): Array<[number, number]> {
  const positions: Array<[number, number]> = [];
  for (let y = -100; y < height; y += 200) for (let x = -150; x < width; x += 300) positions.push([x, y]);
  return positions;
}

// With `isIntoArena`, patches are cut into shared-arena buffers (WebAssembly copies, as pack does) and, once the
// reader is closed, every band buffer it took is back in the arena.
async function expectEqualToTileReader(path: string, source: (level: BandLevel) => BandSource, isIntoArena = false): Promise<void> {
  const arena = sharedArena();
  if (isIntoArena && !arena) throw new Error('shared WebAssembly memory is not available');
  const inUse = arena?.inUseBytes ?? 0;
  const slide = await openSlide(path);
  const level = slide.info.levels[0];
  const size = 224;
  const positions = positionsOver(level.width, level.height);
  const geometry = {
    file: path,
    page: level.ifd,
    width: level.width,
    height: level.height,
    tileWidth: level.tileWidth,
    tileHeight: level.tileHeight,
  };
  const bands = new BandReader(geometry, size, positions, source(geometry));
  // Read with overlap (several reads in flight, as pack does) so recycled band buffers are exercised.
  const got = await Promise.all(positions.map(([x, y]) => bands.read(x, y, isIntoArena ? arena?.alloc(size * size * 3) : undefined)));
  bands.close();
  for (const [i, [x, y]] of positions.entries()) {
    const want = await slide.readRegion(0, x, y, size, size);
    expect(Buffer.compare(Buffer.from(got[i]), Buffer.from(want.data)), `patch at ${x},${y}`).toBe(0);
    if (isIntoArena) expect(arena?.isInside(got[i])).toBe(true);
    if (isIntoArena) arena?.release(got[i]);
  }
  await slide.close();
  await new Promise((r) => setImmediate(r));
  expect(arena?.inUseBytes ?? 0).toBe(inUse);
}

test('libvips bands equal the tile reader, edges padded white (deflate)', async () => {
  await expectEqualToTileReader(file, (g) => new VipsBandSource(g));
});

describe('TurboJPEG bands', () => {
  let jpeg: string;
  let pool: TileDecodePool;
  beforeAll(async () => {
    jpeg = await writePyramid(makePattern(1500, 1100, 5), tmp.dir, 'jpeg');
    const started = await TileDecodePool.start(2);
    if (typeof started === 'string') throw new Error(started);
    pool = started;
  });
  afterAll(() => pool?.close());

  test('equal the tile reader (sharp per tile) and libvips bands, edges padded white', async () => {
    const dir = (await readTiffStructure(jpeg)).directories[0];
    expect(isTurboJpegLevel(dir)).toBe(true);
    await expectEqualToTileReader(jpeg, (g) => new TileBandSource(pool, g.file, dir, 0));
    await expectEqualToTileReader(jpeg, (g) => new TileBandSource(pool, g.file, dir, 0), true);
    await expectEqualToTileReader(jpeg, (g) => new VipsBandSource(g));
    await expectEqualToTileReader(jpeg, (g) => new VipsBandSource(g), true);
  });

  test('a byte count no tile can hold fails that band with TILE_CORRUPT (no giant read), the others of the row decode', async () => {
    const dir = (await readTiffStructure(jpeg)).directories[0];
    const columns = Math.ceil(dir.width / dir.tileWidth);
    const damaged = { ...dir, tileByteCounts: dir.tileByteCounts.map((c, i) => (i === columns + 1 ? 2 ** 31 : c)) };
    const source = new TileBandSource(pool, jpeg, damaged, 0);
    const [left, right] = source.decodeRow(1, [
      [0, 512],
      [1024, 1280],
    ]);
    await expect(left).rejects.toMatchObject({
      code: 'TILE_CORRUPT',
      message: expect.stringContaining(`tile ${columns + 1} at column 1, row 1`),
    });
    await expect(left).rejects.toThrow('more than a 256 x 256 tile can hold');
    const band = await right;
    expect(band.length).toBe(256 * 256 * 3);
    // The row's buffer goes back to the arena once the good band is released (the failed one already was).
    const arena = sharedArena();
    expect(arena?.isInside(band)).toBe(true);
    const inUse = arena?.inUseBytes ?? 0;
    source.release(band);
    expect(arena?.inUseBytes).toBeLessThan(inUse);
  });

  test('a closed pool refuses jobs at once instead of leaving them waiting', async () => {
    const started = await TileDecodePool.start(1);
    if (typeof started === 'string') throw new Error(started);
    await started.close();
    const dir = (await readTiffStructure(jpeg)).directories[0];
    await expect(new TileBandSource(started, jpeg, dir, 0).decode(0, 0, 256)).rejects.toThrow('closed');
  });

  test('widen intervals to whole tiles', () => {
    expect(
      alignIntervals(
        [
          [0, 100],
          [600, 700],
        ],
        256,
      ),
    ).toEqual([
      [0, 256],
      [512, 768],
    ]);
    // Touching after widening: merged.
    expect(
      alignIntervals(
        [
          [-10, 100],
          [300, 700],
        ],
        256,
      ),
    ).toEqual([[-256, 768]]);
  });
});
