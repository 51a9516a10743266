// OpenSlide's errors through the backend: a tile OpenSlide cannot decode fails readRegion with SLIDE_UNREADABLE
// naming the file and quoting OpenSlide (its errors are sticky: later reads fail alike); a truncated SVS opened
// with reader openslide is refused, while auto keeps the native reader's SLIDE_TRUNCATED.

import { copyFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SlideError } from '../../src/errors.js';
import { openSlide } from '../../src/slide/index.js';
import { readTiffStructure } from '../../src/slide/tiff/tiff-structure.js';
import { makeTempDir, smallHePath } from './fixtures.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
const svs = smallHePath();
const maybe = svs === null ? test.skip : test;

beforeAll(async () => {
  temp = await makeTempDir('openslide-errors');
});

afterAll(async () => {
  await temp.cleanup();
});

describe('OpenSlide errors become SlideErrors naming the file', () => {
  maybe('a tile whose JPEG header is zeroed fails readRegion with OpenSlide message, and the handle stays failed', async () => {
    const path = join(temp.dir, 'bad-tile.svs');
    await copyFile(svs as string, path);
    const structure = await readTiffStructure(path);
    const offset = structure.directories[0].tileOffsets[5 * 10 + 5];
    await structure.handle.close();
    const bytes = await readFile(path);
    bytes.fill(0, offset, offset + 4);
    await writeFile(path, bytes);

    const slide = await openSlide(path, { reader: 'openslide' });
    try {
      // Tile (5, 5) of 240² tiles covers x, y 1200–1439.
      const err = await slide.readRegion(0, 1250, 1250, 100, 100).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SlideError);
      expect((err as SlideError).code).toBe('SLIDE_UNREADABLE');
      expect((err as SlideError).file).toBe(path);
      expect((err as SlideError).message).toBe(
        `${path}: OpenSlide cannot read level 0 at (1250, 1250) 100x100: Not a JPEG file: starts with 0x00 0x00`,
      );
      await expect(slide.readRegion(0, 0, 0, 10, 10)).rejects.toThrow(/Not a JPEG file/);
    } finally {
      await slide.close();
    }
  });

  maybe('a truncated SVS: reader openslide refuses it, auto reports the native SLIDE_TRUNCATED', async () => {
    const path = join(temp.dir, 'half.svs');
    await copyFile(svs as string, path);
    await truncate(path, Math.floor((await stat(path)).size / 2));
    const viaOpenSlide = await openSlide(path, { reader: 'openslide' }).catch((e: unknown) => e);
    expect(viaOpenSlide).toBeInstanceOf(SlideError);
    expect((viaOpenSlide as SlideError).message).toBe(`${path}: OpenSlide 3.4.1 does not recognise the format of this file`);
    const auto = await openSlide(path).catch((e: unknown) => e);
    expect((auto as SlideError).code).toBe('SLIDE_TRUNCATED');
  });
});
