// Generic tiled TIFF written by `vips tiffsave --tile --pyramid` in every codec, compared with OpenSlide 3.4.1
// (levels, downsamples, pixels) and, for the lossless codecs, with the source pixels themselves.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSlide, type SlideReader } from '../../../src/slide/index.js';
import {
  cropWhite,
  makePattern,
  makeTempDir,
  meanAbsError,
  openSlideOracle,
  writePyramid,
  type Region,
  type TiffKind,
} from '../fixtures.js';

const WIDTH = 3000;
const HEIGHT = 2200;
const pattern = makePattern(WIDTH, HEIGHT);
let temp: Awaited<ReturnType<typeof makeTempDir>>;
const paths = new Map<TiffKind, string>();

// Regions in level coordinates: inside one tile, across 256-px tile boundaries, over the right/bottom edges,
// before the origin, and whole small levels. Levels 0-3 have exact power-of-two downsamples.
const REGIONS: Region[] = [
  { level: 0, x: 10, y: 20, width: 200, height: 150 },
  { level: 0, x: 250, y: 500, width: 300, height: 300 },
  { level: 0, x: 2900, y: 2100, width: 200, height: 200 },
  { level: 0, x: -30, y: -40, width: 100, height: 90 },
  { level: 1, x: 200, y: 240, width: 400, height: 300 },
  { level: 1, x: 1400, y: 1000, width: 224, height: 224 },
  { level: 2, x: 0, y: 0, width: 750, height: 550 },
  { level: 3, x: 0, y: 0, width: 375, height: 275 },
  { level: 3, x: 300, y: 200, width: 100, height: 100 },
];

beforeAll(async () => {
  temp = await makeTempDir('generic');
  for (const kind of ['jpeg', 'deflate', 'lzw', 'none', 'bigtiff-jpeg'] as const) {
    // The lossless files carry a plausible resolution (2000 px/mm = 0.5 µm/px); the JPEG ones keep vips' 10 px/cm.
    const extra = kind === 'jpeg' || kind === 'bigtiff-jpeg' ? [] : ['--xres', '2000', '--yres', '2000'];
    paths.set(kind, await writePyramid(pattern, temp.dir, kind, extra));
  }
});

afterAll(async () => {
  await temp.cleanup();
});

async function readAll(slide: SlideReader): Promise<ReturnType<SlideReader['readRegion']>[]> {
  return REGIONS.map((r) => slide.readRegion(r.level, r.x, r.y, r.width, r.height));
}

describe.each(['jpeg', 'deflate', 'lzw', 'none', 'bigtiff-jpeg'] as const)('generic tiled TIFF, %s', (kind) => {
  test('levels and downsamples match OpenSlide', async () => {
    const path = paths.get(kind) as string;
    const oracle = await openSlideOracle(path, temp.dir);
    const slide = await openSlide(path);
    try {
      expect(slide.info.format).toBe('generic-tiff');
      expect(slide.info.vendor).toBe(oracle.properties['openslide.vendor']);
      expect(slide.info.isBigTiff).toBe(kind === 'bigtiff-jpeg');
      expect(slide.info.levels.map((l) => [l.width, l.height])).toEqual(oracle.levelDimensions);
      for (const [i, l] of slide.info.levels.entries()) expect(l.downsample).toBeCloseTo(oracle.levelDownsamples[i], 10);
      expect(slide.info.levels.every((l) => l.tileWidth === 256 && l.tileHeight === 256)).toBe(true);
      expect(slide.info.levels[0].compression).toBe(kind === 'bigtiff-jpeg' ? 'jpeg' : kind);
    } finally {
      await slide.close();
    }
  });

  test('regions across tiles and edges match OpenSlide', async () => {
    const path = paths.get(kind) as string;
    const oracle = await openSlideOracle(path, temp.dir, REGIONS);
    const slide = await openSlide(path);
    try {
      const ours = await Promise.all(await readAll(slide));
      ours.forEach((image, i) => {
        const label = `${kind} region ${JSON.stringify(REGIONS[i])}`;
        if (kind.includes('jpeg')) {
          for (const mae of meanAbsError(image, oracle.images[i])) expect(mae, label).toBeLessThan(1.5);
        } else {
          expect(Buffer.from(image.data).equals(Buffer.from(oracle.images[i].data)), label).toBe(true);
        }
      });
    } finally {
      await slide.close();
    }
  });
});

test('lossless level-0 regions equal the source pixels exactly, white outside', async () => {
  for (const kind of ['deflate', 'lzw', 'none'] as const) {
    const slide = await openSlide(paths.get(kind) as string);
    try {
      for (const r of REGIONS.filter((region) => region.level === 0)) {
        const image = await slide.readRegion(0, r.x, r.y, r.width, r.height);
        expect(
          Buffer.from(image.data).equals(Buffer.from(cropWhite(pattern, r.x, r.y, r.width, r.height).data)),
          `${kind} ${JSON.stringify(r)}`,
        ).toBe(true);
      }
    } finally {
      await slide.close();
    }
  }
});

test('MPP comes from XResolution with ResolutionUnit cm, and vips default 10 px/cm counts as missing', async () => {
  const lossless = await openSlide(paths.get('deflate') as string);
  const oracle = await openSlideOracle(paths.get('deflate') as string, temp.dir);
  expect(oracle.properties['tiff.ResolutionUnit']).toBe('centimeter');
  expect(lossless.info.mppX).toBeCloseTo(10_000 / Number(oracle.properties['tiff.XResolution']), 9);
  expect(lossless.info.mppX).toBeCloseTo(0.5, 9);
  expect(lossless.info.mppSource).toBe('tiff-resolution');
  await lossless.close();
  const jpeg = await openSlide(paths.get('jpeg') as string);
  expect(jpeg.info).toMatchObject({ mppX: null, mppY: null, mppSource: 'none' });
  await jpeg.close();
  const overridden = await openSlide(paths.get('jpeg') as string, { mppOverride: 0.25 });
  expect(overridden.info).toMatchObject({ mppX: 0.25, mppY: 0.25, mppSource: 'override' });
  await overridden.close();
});

test('isOverrideOnlyWhenMissing keeps the file MPP and fills only a missing one', async () => {
  const kept = await openSlide(paths.get('deflate') as string, { mppOverride: 0.25, isOverrideOnlyWhenMissing: true });
  expect(kept.info.mppSource).toBe('tiff-resolution');
  await kept.close();
  const filled = await openSlide(paths.get('jpeg') as string, { mppOverride: 0.25, isOverrideOnlyWhenMissing: true });
  expect(filled.info).toMatchObject({ mppX: 0.25, mppSource: 'override' });
  await filled.close();
});

test('many concurrent readRegion calls equal sequential ones, with a cache smaller than the working set', async () => {
  const path = paths.get('jpeg') as string;
  const regions: Region[] = [];
  for (let i = 0; i < 60; i++) regions.push({ level: i % 3, x: (i * 173) % 1400, y: (i * 311) % 1000, width: 224, height: 224 });
  const sequential = await openSlide(path, { cacheBytes: 0 });
  const expected: Awaited<ReturnType<SlideReader['readRegion']>>[] = [];
  for (const r of regions) expected.push(await sequential.readRegion(r.level, r.x, r.y, r.width, r.height));
  await sequential.close();
  const concurrent = await openSlide(path, { cacheBytes: 4 * 256 * 256 * 3 });
  const got = await Promise.all([...regions, ...regions].map((r) => concurrent.readRegion(r.level, r.x, r.y, r.width, r.height)));
  await concurrent.close();
  for (const [i, image] of got.entries()) expect(Buffer.from(image.data).equals(Buffer.from(expected[i % regions.length].data))).toBe(true);
});
