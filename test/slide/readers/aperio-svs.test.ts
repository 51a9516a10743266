// The real Aperio SVS (../shared/testdata/small_HE.svs: JPEG tiles with RGB components, no Adobe marker)
// against OpenSlide 3.4.1: levels, associated images, MPP/AppMag, pixels; and proof that the Adobe fix matters.

import { open } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fromFile } from 'geotiff';
import { openSlide } from '../../../src/slide/index.js';
import { decodeJpegTile } from '../../../src/slide/tiff/decode-tile.js';
import { makeTempDir, meanAbsError, openSlideOracle, smallHePath, type Region } from '../fixtures.js';

const svs = smallHePath();
const maybe = svs === null ? test.skip : test;
let temp: Awaited<ReturnType<typeof makeTempDir>>;

// 240x240 tiles on a 2220x2967 level: tile-crossing, right edge (2220 = 9.25 tiles), bottom edge, both.
const REGIONS: Region[] = [
  { level: 0, x: 0, y: 0, width: 240, height: 240 },
  { level: 0, x: 1000, y: 1300, width: 500, height: 400 },
  { level: 0, x: 200, y: 700, width: 224, height: 224 },
  { level: 0, x: 2100, y: 100, width: 224, height: 224 },
  { level: 0, x: 600, y: 2850, width: 224, height: 224 },
  { level: 0, x: 2050, y: 2800, width: 300, height: 300 },
];

beforeAll(async () => {
  temp = await makeTempDir('svs');
});

afterAll(async () => {
  await temp.cleanup();
});

maybe('levels, associated images, MPP and objective power match OpenSlide', async () => {
  const path = svs as string;
  const oracle = await openSlideOracle(path, temp.dir);
  const slide = await openSlide(path);
  try {
    const { info } = slide;
    expect(info.format).toBe('aperio-svs');
    expect(info.vendor).toBe(oracle.properties['openslide.vendor']);
    expect(info.levels.map((l) => [l.width, l.height])).toEqual(oracle.levelDimensions);
    expect(info.levels.map((l) => l.downsample)).toEqual(oracle.levelDownsamples);
    expect(info.levels[0]).toMatchObject({ tileWidth: 240, tileHeight: 240, compression: 'jpeg', ifd: 0 });
    expect(info.mppX).toBe(Number(oracle.properties['openslide.mpp-x']));
    expect(info.mppY).toBe(Number(oracle.properties['openslide.mpp-y']));
    expect(info.mppSource).toBe('aperio');
    expect(info.objectivePower).toBe(Number(oracle.properties['aperio.AppMag']));
    expect(info.properties?.MPP).toBe(oracle.properties['aperio.MPP']);
    const associated = Object.fromEntries(info.associated.map((a) => [a.name, [a.width, a.height]]));
    expect(associated).toEqual(oracle.associated);
    expect(info.description.startsWith('Aperio')).toBe(true);
  } finally {
    await slide.close();
  }
});

maybe('regions across tiles and the right/bottom edges match OpenSlide within MAE 1.5', async () => {
  const path = svs as string;
  const oracle = await openSlideOracle(path, temp.dir, REGIONS);
  const slide = await openSlide(path);
  try {
    const ours = await Promise.all(REGIONS.map((r) => slide.readRegion(r.level, r.x, r.y, r.width, r.height)));
    ours.forEach((image, i) => {
      for (const mae of meanAbsError(image, oracle.images[i])) expect(mae, JSON.stringify(REGIONS[i])).toBeLessThan(1.5);
    });
  } finally {
    await slide.close();
  }
});

maybe('decoding the RGB-stored JPEG tile without the Adobe transform=0 marker would be far off', async () => {
  const path = svs as string;
  const tiff = await fromFile(path);
  const fd = (await tiff.getImage(0)).fileDirectory;
  const offsets = (await fd.loadValue('TileOffsets')) as ArrayLike<number>;
  const counts = (await fd.loadValue('TileByteCounts')) as ArrayLike<number>;
  const tables = Uint8Array.from((await fd.loadValue('JPEGTables')) as ArrayLike<number>);
  await tiff.close();
  // Tile 5 of row 5 (x 1200, y 1200) is tissue, not background.
  const index = 5 * 10 + 5;
  const handle = await open(path, 'r');
  const bytes = new Uint8Array(counts[index]);
  await handle.read(bytes, 0, bytes.length, offsets[index]);
  await handle.close();
  const [oracle] = (await openSlideOracle(path, temp.dir, [{ level: 0, x: 1200, y: 1200, width: 240, height: 240 }])).images;
  const fixed = await decodeJpegTile(bytes, tables, 2);
  const unfixed = await decodeJpegTile(bytes, tables, 6);
  const fixedError = Math.max(...meanAbsError({ width: 240, height: 240, data: fixed.data }, oracle));
  const unfixedError = Math.max(...meanAbsError({ width: 240, height: 240, data: unfixed.data }, oracle));
  expect(fixedError).toBeLessThan(1.5);
  expect(unfixedError).toBeGreaterThan(20);
});
