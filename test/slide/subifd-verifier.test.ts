// pack's band path on SubIFD levels: libvips decodes the SubIFD (sharp `subifd`), and the JPEG tile verifier
// checks that SubIFD's tiles, not its parent's: a damaged tile of a SubIFD level is TILE_CORRUPT naming it.
import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { JpegTileVerifier } from '../../src/slide/tiff/tile-verifier.js';
import { readTiffStructure } from '../../src/slide/tiff/tiff-structure.js';
import { makeTempDir } from './fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let slide: string;

beforeAll(async () => {
  tmp = await makeTempDir('subifd-verifier');
  const src = join(tmp.dir, 'noise.v');
  execFileSync('vips', ['gaussnoise', src, '3000', '2000', '--mean', '128', '--sigma', '40']);
  const rgb = join(tmp.dir, 'rgb.v');
  execFileSync('vips', ['bandjoin', `${src} ${src} ${src}`, rgb]);
  slide = join(tmp.dir, 'subifd.tif');
  execFileSync('vips', ['tiffsave', rgb, slide, '--tile', '--pyramid', '--subifd', '--compression', 'jpeg', '--Q', '85']);
}, 60_000);
afterAll(() => tmp?.cleanup());

test('sharp opens each SubIFD level with its own size (the band path is taken)', async () => {
  const meta = await sharp(slide, { page: 0, subifd: 1, limitInputPixels: false }).metadata();
  expect([meta.width, meta.height]).toEqual([750, 500]);
});

test("the verifier checks the SubIFD's tiles: one zeroed tile of SubIFD 0 is TILE_CORRUPT naming it; the parent's tiles stay fine", async () => {
  const file = await readTiffStructure(slide);
  const sub = file.directories[0].subIfds?.[0];
  await file.handle.close();
  expect(sub).toBeDefined();
  const fine = await JpegTileVerifier.open(slide, 1, 0, 0);
  await expect(fine?.check(0, 0, 0)).resolves.toBeUndefined();
  await fine?.close();
  // Zero the second half of SubIFD 0's first tile: its entropy data and EOI marker (a truncated tile).
  const offset = (sub as NonNullable<typeof sub>).tileOffsets[0];
  const count = (sub as NonNullable<typeof sub>).tileByteCounts[0];
  const h = await open(slide, 'r+');
  await h.write(Buffer.alloc(count - Math.floor(count / 2)), 0, count - Math.floor(count / 2), offset + Math.floor(count / 2));
  await h.close();
  const damaged = await JpegTileVerifier.open(slide, 1, 0, 0);
  await expect(damaged?.check(0, 0, 0)).rejects.toMatchObject({
    code: 'TILE_CORRUPT',
    message: expect.stringMatching(/level 1 \(IFD 0 SubIFD 0\) tile 0/),
  });
  await damaged?.close();
  const parent = await JpegTileVerifier.open(slide, 0, 0);
  await expect(parent?.check(0, 0, 0)).resolves.toBeUndefined();
  await parent?.close();
});
