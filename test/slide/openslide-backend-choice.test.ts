// openSlide's backend choice with the system OpenSlide present: `auto` reads SVS and generic TIFF natively and
// hands files the native reader refuses to OpenSlide; `native`/`openslide` force one; errors name both reasons.

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WsiHpcError } from '../../src/errors.js';
import { openSlide, type OpenSlideOptions, type SlideReader } from '../../src/slide/index.js';
import { synthPhilipsSlide } from '../../src/synth/index.js';
import { makePattern, makeTempDir, openSlideOracle, smallHePath, writePyramid } from './fixtures.js';

const run = promisify(execFile);
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let vipsTiff: string;
let sixteenBit: string;
let philips: string;

beforeAll(async () => {
  temp = await makeTempDir('openslide-choice');
  vipsTiff = await writePyramid(makePattern(900, 700, 9), temp.dir, 'jpeg');
  // 16 bits per sample: the native reader refuses it (UNSUPPORTED_LAYOUT), OpenSlide (libtiff RGBA) reads it.
  const wide = join(temp.dir, 'wide.v');
  sixteenBit = join(temp.dir, 'sixteen.tif');
  await run('vips', ['cast', join(temp.dir, 'source-900x700.png'), wide, 'ushort']);
  await run('vips', ['linear', wide, join(temp.dir, 'scaled.v'), '257', '0', '--uchar=false']);
  await run('vips', ['cast', join(temp.dir, 'scaled.v'), wide, 'ushort']);
  await run('vips', ['tiffsave', wide, sixteenBit, '--tile', '--pyramid', '--compression', 'deflate']);
  philips = join(temp.dir, 'philips.tiff');
  await synthPhilipsSlide({ path: philips, width: 2000, height: 1500, mppX: 0.25, seed: 5, concurrency: 2 });
});

afterAll(async () => {
  await temp.cleanup();
});

async function withSlide<T>(path: string, options: OpenSlideOptions, use: (slide: SlideReader) => Promise<T>): Promise<T> {
  const slide = await openSlide(path, options);
  try {
    return await use(slide);
  } finally {
    await slide.close();
  }
}

async function openError(path: string, options: OpenSlideOptions = {}): Promise<WsiHpcError> {
  const err = await openSlide(path, options).then(
    async (slide) => {
      await slide.close();
      return new Error(`openSlide resolved with backend ${slide.info.backend}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WsiHpcError);
  return err as WsiHpcError;
}

describe('reader: auto', () => {
  const svs = smallHePath();
  const maybe = svs === null ? test.skip : test;

  maybe('reads the Aperio SVS natively (OpenSlide says aperio)', async () => {
    const info = await withSlide(svs as string, {}, async (s) => s.info);
    expect(info).toMatchObject({ backend: 'native', format: 'aperio-svs', vendor: 'aperio' });
  });

  test('reads the vips generic pyramid natively (OpenSlide says generic-tiff)', async () => {
    const info = await withSlide(vipsTiff, { reader: 'auto' }, async (s) => s.info);
    expect(info).toMatchObject({ backend: 'native', format: 'generic-tiff' });
  });

  test('reads a TIFF the native reader refuses through OpenSlide, with OpenSlide pixels', async () => {
    const oracle = await openSlideOracle(sixteenBit, temp.dir, [{ level: 0, x: 300, y: 200, width: 224, height: 224 }]);
    await withSlide(sixteenBit, {}, async (slide) => {
      expect(slide.info).toMatchObject({ backend: 'openslide', format: 'openslide', vendor: 'generic-tiff' });
      expect(slide.info.levels.map((l) => [l.width, l.height])).toEqual(oracle.levelDimensions);
      const region = await slide.readRegion(0, 300, 200, 224, 224);
      expect(Buffer.from(region.data).equals(Buffer.from(oracle.images[0].data))).toBe(true);
    });
  });

  test('reads a Philips TIFF through OpenSlide although native could: only OpenSlide knows its MPP', async () => {
    const oracle = await openSlideOracle(philips, temp.dir, [{ level: 0, x: 500, y: 400, width: 224, height: 224 }]);
    await withSlide(philips, {}, async (slide) => {
      expect(slide.info).toMatchObject({ backend: 'openslide', format: 'openslide', vendor: 'philips', mppSource: 'openslide' });
      expect(slide.info.mppX).toBeCloseTo(0.25, 9);
      expect(slide.info.mppX).toBe(Number(oracle.properties['openslide.mpp-x']));
      const region = await slide.readRegion(0, 500, 400, 224, 224);
      expect(Buffer.from(region.data).equals(Buffer.from(oracle.images[0].data))).toBe(true);
    });
    // Read as a generic TIFF it would get the padded pages' wrong downsamples and no MPP: native refuses it.
    await expect(openSlide(philips, { reader: 'native' })).rejects.toMatchObject({
      code: 'UNSUPPORTED_LAYOUT',
      message: expect.stringContaining('a Philips TIFF: its levels and resolution are in vendor metadata'),
    });
  });

  test('a file neither reads fails with both reasons and the native code', async () => {
    const path = join(temp.dir, 'scan.ndpi');
    await writeFile(path, 'not a slide at all\n');
    const err = await openError(path);
    expect(err.code).toBe('SLIDE_NOT_TIFF');
    expect(err.file).toBe(path);
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/not a TIFF/);
    expect(err.message).toMatch(/OpenSlide 3\.4\.1 does not recognise its format either/);
  });

  test('a damaged native-format file keeps its native error (no silent switch to OpenSlide)', async () => {
    const path = join(temp.dir, 'missing.svs');
    const err = await openError(path);
    expect(err.code).toBe('SLIDE_UNREADABLE');
    expect(err.message).toMatch(/cannot open file/);
  });
});

describe('reader: native and openslide', () => {
  test('native keeps refusing what it cannot read, and says backend native when it reads', async () => {
    expect((await openError(sixteenBit, { reader: 'native' })).code).toBe('UNSUPPORTED_LAYOUT');
    const info = await withSlide(vipsTiff, { reader: 'native' }, async (s) => s.info);
    expect(info.backend).toBe('native');
  });

  test('openslide reads the generic TIFF the native reader reads too', async () => {
    const info = await withSlide(vipsTiff, { reader: 'openslide' }, async (s) => s.info);
    expect(info).toMatchObject({ backend: 'openslide', format: 'openslide', vendor: 'generic-tiff' });
  });

  test('openslide refuses a file it does not recognise, and a missing file, naming the file', async () => {
    const text = join(temp.dir, 'notes.txt');
    await writeFile(text, 'hello\n');
    const unknown = await openError(text, { reader: 'openslide' });
    expect(unknown.code).toBe('SLIDE_UNREADABLE');
    expect(unknown.message).toBe(`${text}: OpenSlide 3.4.1 does not recognise the format of this file`);
    const missing = await openError(join(temp.dir, 'gone.ndpi'), { reader: 'openslide' });
    expect(missing.code).toBe('SLIDE_UNREADABLE');
    expect(missing.message).toMatch(/gone\.ndpi: cannot open file/);
  });

  test('an unknown reader is an option error listing the choices', async () => {
    const err = await openError(vipsTiff, { reader: 'vips' as never });
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.message).toBe('Expected `reader` to be auto, native or openslide, received `vips` (string)');
  });
});
