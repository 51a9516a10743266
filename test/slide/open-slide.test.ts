// openSlide on broken, foreign and unsupported files: each gives its typed error code and names the file;
// plus option and request validation messages, and close().

import { copyFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SlideError, WsiHpcError } from '../../src/errors.js';
import { openSlide } from '../../src/slide/index.js';
import { readTiffStructure } from '../../src/slide/tiff/tiff-structure.js';
import { makePattern, makeTempDir, patchShortTag, smallHePath, writePyramid, writeStripped } from './fixtures.js';

const run = promisify(execFile);
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let small: string;

beforeAll(async () => {
  temp = await makeTempDir('errors');
  small = await writePyramid(makePattern(700, 500, 7), temp.dir, 'jpeg');
});

afterAll(async () => {
  await temp.cleanup();
});

async function openError(path: string, options = {}): Promise<WsiHpcError> {
  const err = await openSlide(path, options).then(
    () => new Error('openSlide resolved'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WsiHpcError);
  return err as WsiHpcError;
}

async function copyTo(name: string, from = small): Promise<string> {
  const path = join(temp.dir, name);
  await copyFile(from, path);
  return path;
}

describe('openSlide refuses bad files with a typed error naming the file', () => {
  test('a text file is SLIDE_NOT_TIFF', async () => {
    const path = join(temp.dir, 'notes.txt');
    await writeFile(path, 'this is not a slide\n');
    const err = await openError(path);
    expect(err).toBeInstanceOf(SlideError);
    expect(err.code).toBe('SLIDE_NOT_TIFF');
    expect(err.file).toBe(path);
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/not a TIFF/);
  });

  test('a PNG is SLIDE_NOT_TIFF and an empty file too', async () => {
    const png = join(temp.dir, 'source-700x500.png');
    expect((await openError(png)).code).toBe('SLIDE_NOT_TIFF');
    const empty = join(temp.dir, 'empty.tif');
    await writeFile(empty, '');
    const err = await openError(empty);
    expect(err.code).toBe('SLIDE_NOT_TIFF');
    expect(err.message).toContain(empty);
  });

  test('a missing file is SLIDE_UNREADABLE', async () => {
    const path = join(temp.dir, 'does-not-exist.svs');
    const err = await openError(path);
    expect(err.code).toBe('SLIDE_UNREADABLE');
    expect(err.message).toContain(path);
  });

  test('a generic TIFF cut in half is SLIDE_TRUNCATED', async () => {
    const path = await copyTo('half.tif');
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(path));
    await truncate(path, Math.floor(size / 2));
    const err = await openError(path);
    expect(err.code).toBe('SLIDE_TRUNCATED');
    expect(err.message).toContain(path);
  });

  test('the Aperio SVS cut in half is SLIDE_TRUNCATED', async () => {
    const svs = smallHePath();
    if (svs === null) return;
    const path = await copyTo('half.svs', svs);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length >> 1));
    const err = await openError(path);
    expect(err.code).toBe('SLIDE_TRUNCATED');
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/truncated/);
  });

  test('a valid TIFF header followed by random garbage is SLIDE_UNREADABLE', async () => {
    const path = join(temp.dir, 'garbage.tif');
    const body = Buffer.alloc(64 * 1024);
    let state = 12345;
    for (let i = 0; i < body.length; i++) {
      state = (state * 1103515245 + 12345) >>> 0;
      body[i] = state >>> 24;
    }
    await writeFile(path, Buffer.concat([Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]), body]));
    const err = await openError(path);
    expect(err.code).toBe('SLIDE_UNREADABLE');
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/IFD 0/);
  });

  test('a JPEG 2000 compression tag (33003) is UNSUPPORTED_COMPRESSION with a conversion hint', async () => {
    const path = await copyTo('j2k.tif');
    expect(await patchShortTag(path, 259, 33003)).toBeGreaterThan(0);
    const err = await openError(path);
    expect(err.code).toBe('UNSUPPORTED_COMPRESSION');
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/JPEG 2000/);
    expect(err.hint).toMatch(/vips tiffsave/);
  });

  test('a stripped-only TIFF is UNSUPPORTED_LAYOUT with a vips --tile --pyramid hint', async () => {
    const path = await writeStripped(makePattern(1500, 1200, 3), temp.dir);
    const err = await openError(path);
    expect(err.code).toBe('UNSUPPORTED_LAYOUT');
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/strips/);
    expect(err.hint).toMatch(/vips tiffsave .*--tile --pyramid/);
  });

  test('a 16-bit tiled TIFF is UNSUPPORTED_LAYOUT naming BitsPerSample for the native reader', async () => {
    const src = join(temp.dir, 'source-700x500.png');
    const wide = join(temp.dir, 'wide.v');
    const path = join(temp.dir, 'sixteen.tif');
    await run('vips', ['cast', src, wide, 'ushort']);
    await run('vips', ['tiffsave', wide, path, '--tile', '--compression', 'deflate']);
    const err = await openError(path, { reader: 'native' });
    expect(err.code).toBe('UNSUPPORTED_LAYOUT');
    expect(err.message).toMatch(/BitsPerSample 16/);
  });

  test('a corrupt tile opens fine but readRegion fails with TILE_CORRUPT naming file, level and tile', async () => {
    const path = await copyTo('bad-tile.tif');
    const structure = await readTiffStructure(path);
    const [dir] = structure.directories;
    await structure.handle.close();
    const bytes = await readFile(path);
    bytes.fill(0x5a, dir.tileOffsets[1], dir.tileOffsets[1] + dir.tileByteCounts[1]);
    await writeFile(path, bytes);
    const slide = await openSlide(path);
    try {
      await expect(slide.readRegion(0, 0, 0, 10, 10)).resolves.toMatchObject({ width: 10, height: 10 });
      const err = (await slide.readRegion(0, 250, 0, 20, 20).catch((e: unknown) => e)) as WsiHpcError;
      expect(err.code).toBe('TILE_CORRUPT');
      expect(err.message).toContain(path);
      expect(err.message).toMatch(/level 0 .*tile 1 at column 1, row 0/);
      expect(err.message).toMatch(/cannot decode jpeg tile/);
    } finally {
      await slide.close();
    }
  });
});

describe('options and requests are validated', () => {
  test.each([
    [{ mppOverride: -1 }, 'Expected `mppOverride` to be a positive number of microns per pixel, received `-1` (number)'],
    [{ mppOverride: Number.NaN }, 'Expected `mppOverride` to be a positive number of microns per pixel, received `NaN` (number)'],
    [{ cacheBytes: 1.5 }, 'Expected `cacheBytes` to be a non-negative integer, received `1.5` (number)'],
    [{ isOverrideOnlyWhenMissing: 'yes' }, 'Expected `isOverrideOnlyWhenMissing` to be a boolean, received `yes` (string)'],
    [
      { mpp: 0.5 },
      'Unknown openSlide option `mpp`; valid options are `mppOverride` (default null), `isOverrideOnlyWhenMissing` (default false), `cacheBytes` (default 268435456), `reader` (default auto)',
    ],
  ])('openSlide(%j) throws INVALID_OPTION', async (options, message) => {
    const err = await openError(small, options);
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.message).toBe(message);
  });

  test.each([
    [5, 0, 0, 10, 10, /Expected `level` to be an integer between 0 and 2 for .*, received `5` \(number\)/],
    [0, 0.5, 0, 10, 10, /Expected `x` to be an integer, received `0.5` \(number\)/],
    [0, 0, 0, 0, 10, /Expected `width` to be a positive integer, received `0` \(number\)/],
    [0, 0, 0, 10, -3, /Expected `height` to be a positive integer, received `-3` \(number\)/],
    [0, 0, 0, 100_000, 100_000, /Expected a region of at most \d+ pixels, received 100000x100000/],
  ])('readRegion(%d, %d, %d, %d, %d) throws INVALID_OPTION', async (level, x, y, w, h, message) => {
    const slide = await openSlide(small);
    try {
      expect(slide.info.levels).toHaveLength(3);
      const err = (await slide.readRegion(level, x, y, w, h).catch((e: unknown) => e)) as WsiHpcError;
      expect(err.code).toBe('INVALID_OPTION');
      expect(err.message).toMatch(message);
    } finally {
      await slide.close();
    }
  });

  test('readRegion after close() is refused, and close() twice is harmless', async () => {
    const slide = await openSlide(small);
    await slide.close();
    await slide.close();
    await expect(slide.readRegion(0, 0, 0, 4, 4)).rejects.toMatchObject({ code: 'SLIDE_UNREADABLE' });
  });

  test('a region wholly outside the level is white', async () => {
    const slide = await openSlide(small);
    const image = await slide.readRegion(1, 5000, -700, 16, 8);
    await slide.close();
    expect(image.data.every((v) => v === 255)).toBe(true);
  });
});
