// The OpenSlide backend against Python OpenSlide (the oracle, same library) and against the native reader:
// levels, properties, MPP and regions (inside, across tiles, across the slide edge) on small_HE.svs, a vips
// generic pyramid and a synthetic Aperio slide.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSlide, type RgbImage, type SlideReader } from '../../src/slide/index.js';
import { synthSlide } from '../../src/synth/index.js';
import { makePattern, makeTempDir, openSlideOracle, type Region, SYSTEM_PYTHON, smallHePath, writePyramid } from './fixtures.js';

const run = promisify(execFile);
const ARGB_ORACLE = resolve(import.meta.dirname, '../oracles/openslide_argb.py');

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let vipsTiff: string;
let synthSvs: string;

beforeAll(async () => {
  temp = await makeTempDir('openslide-reader');
  // 1500x1100: levels 750x550, 375x275, 188x138 (downsamples not powers of two below level 1).
  vipsTiff = await writePyramid(makePattern(1500, 1100, 5), temp.dir, 'jpeg', ['--xres', '2000', '--yres', '2000']);
  synthSvs = join(temp.dir, 'synth.svs');
  await synthSlide({ path: synthSvs, width: 3000, height: 2000, flavour: 'aperio', seed: 3, concurrency: 2 });
});

afterAll(async () => {
  await temp.cleanup();
});

/** Index of the first differing byte, or -1: regions must be byte-identical, not merely close. */
function firstDifference(a: RgbImage, b: RgbImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  return a.data.findIndex((v, i) => v !== b.data[i]);
}

interface ArgbOracleRegion extends RgbImage {
  transparent: number;
  partial: number;
}

// Python OpenSlide's premultiplied ARGB composited over the background (test/oracles/openslide_argb.py).
async function argbOracle(path: string, regions: Region[]): Promise<ArgbOracleRegion[]> {
  const specs = regions.map((r) => `${r.level},${r.x},${r.y},${r.width},${r.height}`);
  const { stdout } = await run(SYSTEM_PYTHON, [ARGB_ORACLE, path, temp.dir, ...specs], { maxBuffer: 16 << 20 });
  const parsed = JSON.parse(stdout) as { regions: { file: string; width: number; height: number; transparent: number; partial: number }[] };
  return Promise.all(parsed.regions.map(async (r) => ({ ...r, data: new Uint8Array(await readFile(r.file)) })));
}

/** Compare every region with the oracle; returns the oracle's transparent and partly transparent pixel counts. */
async function expectRegionsEqualOracle(path: string, regions: Region[]): Promise<{ transparent: number; partial: number }> {
  const oracle = await argbOracle(path, regions);
  const slide = await openSlide(path, { reader: 'openslide' });
  try {
    expect(slide.info.backend).toBe('openslide');
    for (const [i, r] of regions.entries()) {
      const ours = await slide.readRegion(r.level, r.x, r.y, r.width, r.height);
      expect(firstDifference(ours, oracle[i]), JSON.stringify(r)).toBe(-1);
    }
  } finally {
    await slide.close();
  }
  return { transparent: oracle.reduce((n, r) => n + r.transparent, 0), partial: oracle.reduce((n, r) => n + r.partial, 0) };
}

async function expectFactsEqualOracle(slide: SlideReader): Promise<void> {
  const oracle = await openSlideOracle(slide.info.path, temp.dir);
  const { info } = slide;
  expect(info.levels.map((l) => [l.width, l.height])).toEqual(oracle.levelDimensions);
  expect(info.levels.map((l) => l.downsample)).toEqual(oracle.levelDownsamples);
  expect(info.properties).toEqual(oracle.properties);
  expect(info.vendor).toBe(oracle.properties['openslide.vendor']);
  for (const level of info.levels) {
    expect(level.tileWidth).toBe(Number(oracle.properties[`openslide.level[${level.index}].tile-width`]));
    expect(level.tileHeight).toBe(Number(oracle.properties[`openslide.level[${level.index}].tile-height`]));
    expect(level.compression).toBe('unknown');
  }
  expect(info.format).toBe('openslide');
  expect(info.associated).toEqual([]);
}

describe('small_HE.svs through OpenSlide', () => {
  const svs = smallHePath();
  const maybe = svs === null ? test.skip : test;

  maybe('levels, properties, MPP and objective power are what Python OpenSlide reports', async () => {
    const slide = await openSlide(svs as string, { reader: 'openslide' });
    try {
      await expectFactsEqualOracle(slide);
      expect(slide.info).toMatchObject({ mppX: 0.499, mppY: 0.499, mppSource: 'openslide', objectivePower: 20, vendor: 'aperio' });
    } finally {
      await slide.close();
    }
  });

  maybe('regions inside, across tiles and across the right/bottom edges equal Python OpenSlide byte for byte', async () => {
    const alpha = await expectRegionsEqualOracle(svs as string, [
      { level: 0, x: 0, y: 0, width: 240, height: 240 },
      { level: 0, x: 1000, y: 1300, width: 500, height: 400 },
      { level: 0, x: 2100, y: 100, width: 224, height: 224 },
      { level: 0, x: 2050, y: 2800, width: 300, height: 300 },
      { level: 0, x: -50, y: -30, width: 200, height: 100 },
    ]);
    // Outside the slide is transparent in OpenSlide and must come back white.
    expect(alpha.transparent).toBeGreaterThan(10_000);
  });

  // Both decode with libjpeg-turbo from the same bytes with the same (non-transforming) colour handling.
  maybe('level-0 regions equal the native reader byte for byte', async () => {
    const path = svs as string;
    const viaOpenSlide = await openSlide(path, { reader: 'openslide' });
    const native = await openSlide(path, { reader: 'native' });
    try {
      expect(native.info.backend).toBe('native');
      for (const [x, y, w, h] of [
        [0, 0, 240, 240],
        [130, 470, 224, 224],
        [1000, 1300, 500, 400],
        [2100, 2800, 224, 224],
      ]) {
        const a = await viaOpenSlide.readRegion(0, x, y, w, h);
        const b = await native.readRegion(0, x, y, w, h);
        expect(firstDifference(a, b), `${x},${y} ${w}x${h}`).toBe(-1);
      }
    } finally {
      await viaOpenSlide.close();
      await native.close();
    }
  });
});

describe('a vips generic pyramid through OpenSlide', () => {
  test('levels and properties are what Python OpenSlide reports; MPP from the TIFF resolution as the native reader', async () => {
    const slide = await openSlide(vipsTiff, { reader: 'openslide' });
    const native = await openSlide(vipsTiff, { reader: 'native' });
    try {
      await expectFactsEqualOracle(slide);
      expect(slide.info.vendor).toBe('generic-tiff');
      expect(slide.info.levels).toHaveLength(native.info.levels.length);
      expect(slide.info.levels.map((l) => [l.width, l.height])).toEqual(native.info.levels.map((l) => [l.width, l.height]));
      // OpenSlide 3.4.1 gives no openslide.mpp-x for generic TIFF; its tiff.* properties give 2000 px/mm as natively.
      expect(slide.info).toMatchObject({ mppX: 0.5, mppY: 0.5, mppSource: 'tiff-resolution' });
      expect([native.info.mppX, native.info.mppY, native.info.mppSource]).toEqual([0.5, 0.5, 'tiff-resolution']);
    } finally {
      await slide.close();
      await native.close();
    }
  });

  test('regions at every level, across tiles and across the slide edge, equal Python OpenSlide byte for byte', async () => {
    const alpha = await expectRegionsEqualOracle(vipsTiff, [
      { level: 0, x: 200, y: 230, width: 224, height: 224 },
      { level: 0, x: 1400, y: 1000, width: 224, height: 224 },
      { level: 1, x: 100, y: 100, width: 300, height: 200 },
      { level: 1, x: 600, y: 450, width: 224, height: 224 },
      { level: 2, x: 0, y: 0, width: 375, height: 275 },
      { level: 2, x: 300, y: 200, width: 224, height: 224 },
      { level: 3, x: 0, y: 0, width: 188, height: 138 },
      { level: 3, x: 150, y: 100, width: 100, height: 100 },
      { level: 3, x: -20, y: -20, width: 64, height: 64 },
    ]);
    // Level 3 (downsample 7.97) lands on fractional level coordinates: OpenSlide blends the edge pixels with
    // transparency, and those partly transparent pixels are composited over white like the fully transparent ones.
    expect(alpha.transparent).toBeGreaterThan(1000);
    expect(alpha.partial).toBeGreaterThan(0);
  });

  test('level-0 regions equal the native reader byte for byte', async () => {
    const viaOpenSlide = await openSlide(vipsTiff, { reader: 'openslide' });
    const native = await openSlide(vipsTiff, { reader: 'native' });
    try {
      for (const [x, y] of [
        [0, 0],
        [250, 250],
        [1400, 1000],
      ]) {
        const a = await viaOpenSlide.readRegion(0, x, y, 224, 224);
        const b = await native.readRegion(0, x, y, 224, 224);
        expect(firstDifference(a, b), `${x},${y}`).toBe(-1);
      }
    } finally {
      await viaOpenSlide.close();
      await native.close();
    }
  });
});

test('mppOverride and isOverrideOnlyWhenMissing act as on the native reader', async () => {
  const noMpp = await writePyramid(makePattern(300, 200, 2), temp.dir, 'deflate');
  const cases = [
    [vipsTiff, { mppOverride: 0.25 }],
    [vipsTiff, { mppOverride: 0.25, isOverrideOnlyWhenMissing: true }],
    [noMpp, {}],
    [noMpp, { mppOverride: 0.25, isOverrideOnlyWhenMissing: true }],
  ] as const;
  const seen: unknown[] = [];
  for (const [path, options] of cases) {
    const facts = [];
    for (const reader of ['openslide', 'native'] as const) {
      const slide = await openSlide(path, { ...options, reader });
      facts.push([slide.info.mppX, slide.info.mppY, slide.info.mppSource]);
      await slide.close();
    }
    expect(facts[0]).toEqual(facts[1]);
    seen.push(facts[0]);
  }
  expect(seen).toEqual([
    [0.25, 0.25, 'override'],
    [0.5, 0.5, 'tiff-resolution'],
    [null, null, 'none'],
    [0.25, 0.25, 'override'],
  ]);
});

describe('a synthetic Aperio slide through OpenSlide', () => {
  test('facts and regions at each level, including across the edge, equal Python OpenSlide', async () => {
    const slide = await openSlide(synthSvs, { reader: 'openslide' });
    try {
      await expectFactsEqualOracle(slide);
      expect(slide.info).toMatchObject({ vendor: 'aperio', mppSource: 'openslide', mppX: 0.5, mppY: 0.5 });
    } finally {
      await slide.close();
    }
    const last = (await openSlideOracle(synthSvs, temp.dir)).levelCount - 1;
    await expectRegionsEqualOracle(synthSvs, [
      { level: 0, x: 1000, y: 700, width: 224, height: 224 },
      { level: 0, x: 2900, y: 1900, width: 224, height: 224 },
      { level: last, x: 0, y: 0, width: 200, height: 150 },
      { level: last, x: 100, y: 50, width: 224, height: 224 },
    ]);
  });
});

test('the synthetic Aperio slide (YCbCr 4:2:0 JPEG) reads the same through OpenSlide and natively at every level', async () => {
  const viaOpenSlide = await openSlide(synthSvs, { reader: 'openslide' });
  const native = await openSlide(synthSvs, { reader: 'native' });
  try {
    expect(viaOpenSlide.info.levels.map((l) => [l.width, l.height, l.downsample])).toEqual(
      native.info.levels.map((l) => [l.width, l.height, l.downsample]),
    );
    for (const level of native.info.levels) {
      // Integer downsamples: OpenSlide's level-0 location maps back to exactly (x, y) of the level.
      expect(Number.isInteger(level.downsample)).toBe(true);
      for (const [x, y] of [
        [0, 0],
        [Math.floor(level.width / 2) - 100, Math.floor(level.height / 2) - 70],
        [level.width - 100, level.height - 60],
      ]) {
        const a = await viaOpenSlide.readRegion(level.index, x, y, 224, 224);
        const b = await native.readRegion(level.index, x, y, 224, 224);
        expect(firstDifference(a, b), `level ${level.index} at ${x},${y}`).toBe(-1);
      }
    }
  } finally {
    await viaOpenSlide.close();
    await native.close();
  }
});
