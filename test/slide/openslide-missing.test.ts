// Finding the OpenSlide library (WSI_HPC_OPENSLIDE, then the sonames on the loader path) and what happens when it
// cannot be loaded: slides that need it fail with OPENSLIDE_MISSING naming the file, the format and the fix; TIFF/SVS
// slides keep working. This file points WSI_HPC_OPENSLIDE at a missing .so before the library is first loaded.

import { execFile } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WsiHpcError } from '../../src/errors.js';
import { openSlide, type OpenSlideOptions } from '../../src/slide/index.js';
import { loadOpenSlideLibrary, OPENSLIDE_INSTALL_HINT } from '../../src/slide/openslide/load-library.js';
import { makePattern, makeTempDir, writePyramid } from './fixtures.js';

const run = promisify(execFile);
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let vipsTiff: string;
let sixteenBit: string;
let missingSo: string;

beforeAll(async () => {
  temp = await makeTempDir('openslide-missing');
  missingSo = join(temp.dir, 'no-such-libopenslide.so');
  process.env.WSI_HPC_OPENSLIDE = missingSo;
  vipsTiff = await writePyramid(makePattern(600, 400, 4), temp.dir, 'jpeg');
  sixteenBit = join(temp.dir, 'sixteen.tif');
  await run('vips', ['cast', join(temp.dir, 'source-600x400.png'), join(temp.dir, 'wide.v'), 'ushort']);
  await run('vips', ['tiffsave', join(temp.dir, 'wide.v'), sixteenBit, '--tile', '--compression', 'deflate']);
});

afterAll(async () => {
  delete process.env.WSI_HPC_OPENSLIDE;
  await temp.cleanup();
});

async function openError(path: string, options: OpenSlideOptions = {}): Promise<WsiHpcError> {
  const err = await openSlide(path, options).then(
    () => new Error('openSlide resolved'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WsiHpcError);
  return err as WsiHpcError;
}

describe('loadOpenSlideLibrary', () => {
  test('without WSI_HPC_OPENSLIDE finds Debian OpenSlide 3.4.1 as libopenslide.so.0 (no .so.1 here)', async () => {
    const load = await loadOpenSlideLibrary({});
    expect(load.isLoaded).toBe(true);
    if (load.isLoaded) expect([load.binding.source, load.binding.version]).toEqual(['libopenslide.so.0', '3.4.1']);
  });

  test('WSI_HPC_OPENSLIDE wins over the loader path: a missing file is not silently replaced', async () => {
    const load = await loadOpenSlideLibrary({ WSI_HPC_OPENSLIDE: missingSo });
    expect(load.isLoaded).toBe(false);
    if (!load.isLoaded)
      expect(load.reason).toMatch(new RegExp(`^WSI_HPC_OPENSLIDE=${missingSo} could not be loaded as the OpenSlide library \\(`));
  });

  test('WSI_HPC_OPENSLIDE naming a library that is not OpenSlide says which symbol is missing', async () => {
    const load = await loadOpenSlideLibrary({ WSI_HPC_OPENSLIDE: 'libz.so.1' });
    expect(load.isLoaded).toBe(false);
    if (!load.isLoaded) expect(load.reason).toMatch(/WSI_HPC_OPENSLIDE=libz\.so\.1 could not be loaded.*openslide_get_version/);
  });
});

describe('openSlide when WSI_HPC_OPENSLIDE points to a missing file', () => {
  test('a .ndpi slide (native cannot read it) is OPENSLIDE_MISSING naming the file, the format, the variable and the fix', async () => {
    const path = join(temp.dir, 'scan.ndpi');
    await copyFile(sixteenBit, path);
    const err = await openError(path);
    expect(err.code).toBe('OPENSLIDE_MISSING');
    expect(err.file).toBe(path);
    expect(err.message).toContain(`${path}: the built-in reader cannot read it (`);
    expect(err.message).toContain('reading this .ndpi slide needs OpenSlide');
    expect(err.message).toContain(`WSI_HPC_OPENSLIDE=${missingSo} could not be loaded`);
    expect(err.hint).toBe(OPENSLIDE_INSTALL_HINT);
    expect(err.hint).toMatch(
      /apt install libopenslide0.*conda install -c conda-forge openslide.*module load openslide.*WSI_HPC_OPENSLIDE=/,
    );
  });

  test('reader openslide is OPENSLIDE_MISSING even for an SVS-readable TIFF', async () => {
    const err = await openError(vipsTiff, { reader: 'openslide' });
    expect(err.code).toBe('OPENSLIDE_MISSING');
    expect(err.message).toContain(`${vipsTiff}: reading this .tif slide needs OpenSlide, but WSI_HPC_OPENSLIDE=${missingSo}`);
  });

  test('a .tif the native reader refuses keeps its native code and says OpenSlide is not available', async () => {
    const err = await openError(sixteenBit);
    expect(err.code).toBe('UNSUPPORTED_LAYOUT');
    expect(err.message).toMatch(/BitsPerSample 16.*; OpenSlide, which might read it, is not available: WSI_HPC_OPENSLIDE=/);
    expect(err.hint).toBe(OPENSLIDE_INSTALL_HINT);
  });

  test('generic TIFF slides still open natively in auto mode', async () => {
    const slide = await openSlide(vipsTiff);
    try {
      expect(slide.info.backend).toBe('native');
      expect((await slide.readRegion(0, 0, 0, 64, 64)).data).toHaveLength(64 * 64 * 3);
    } finally {
      await slide.close();
    }
  });
});
