// jpegTileProblem: the structural check that catches truncated or overwritten JPEG tiles (which libtiff
// decodes as grey without an error), with no false alarm on every tile of real slides from three writers.
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthSlide } from '../../../src/synth/index.js';
import { jpegTileProblem } from '../../../src/slide/tiff/jpeg-check.js';
import { decodeJpegTile } from '../../../src/slide/tiff/decode-tile.js';
import { readTiffStructure } from '../../../src/slide/tiff/tiff-structure.js';
import { makePattern, makeTempDir, smallHePath, writePyramid } from '../fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let jpeg: Buffer;
/** Index of the first entropy-coded byte (after the SOS segment). */
let scanStart: number;

beforeAll(async () => {
  tmp = await makeTempDir('jpeg-check');
  const img = makePattern(64, 64, 3);
  jpeg = await sharp(img.data, { raw: { width: 64, height: 64, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  scanStart = sos + 2 + jpeg.readUInt16BE(sos + 2);
});
afterAll(() => tmp?.cleanup());

const splice = (at: number, insert: number[], drop = 0): Buffer =>
  Buffer.concat([jpeg.subarray(0, at), Buffer.from(insert), jpeg.subarray(at + drop)]);

describe('jpegTileProblem', () => {
  test('a whole JPEG passes, also with bytes after its EOI', () => {
    expect(jpegTileProblem(jpeg)).toBeNull();
    expect(jpegTileProblem(Buffer.concat([jpeg, Buffer.alloc(100)]))).toBeNull();
  });

  test.each<[string, () => Buffer, string]>([
    ['its EOI is cut off', () => jpeg.subarray(0, jpeg.length - 2), 'ends without an EOI marker (truncated'],
    ['it stops mid-scan', () => jpeg.subarray(0, scanStart + 40), 'ends without an EOI marker (truncated'],
    ['it stops inside a header segment', () => jpeg.subarray(0, 30), 'runs past the end of the tile (truncated)'],
    ['it does not start with SOI', () => jpeg.subarray(2), 'does not start with a JPEG SOI marker'],
    ['a reserved marker sits in the scan', () => splice(scanStart + 20, [0xff, 0x01]), 'unexpected marker 0xff01'],
    ['a second frame header sits in the scan', () => splice(scanStart + 20, [0xff, 0xc0]), 'unexpected marker 0xffc0'],
    ['restart markers are out of order', () => splice(scanStart + 20, [0xff, 0xd3]), 'RST3 where RST0 was expected'],
    [
      'the scan is followed by garbage instead of a marker',
      () => splice(jpeg.length - 2, [0xff, 0xdb, 0x00, 0x04, 0x00, 0x00, 0x12]),
      'expected a marker',
    ],
  ])('a tile is refused when %s', (_, make, reason) => {
    expect(jpegTileProblem(make())).toContain(reason);
  });

  test('the per-tile decoder refuses a damaged tile that the old failOn: error decoded as grey', async () => {
    // Overwrite the middle of the scan with bytes that hold no 0xFF: structurally fine, yet libjpeg warns.
    const damaged = Buffer.from(jpeg);
    for (let i = scanStart + 30; i < jpeg.length - 40; i++) damaged[i] = i % 2 === 0 ? 0xfe : 0x00;
    expect(jpegTileProblem(damaged)).toBeNull();
    const old = await sharp(damaged, { failOn: 'error' })
      .raw()
      .toBuffer()
      .catch((err: Error) => err);
    expect(old).toBeInstanceOf(Buffer);
    await expect(decodeJpegTile(damaged, null, 6)).rejects.toMatchObject({
      name: 'TileDataError',
      message: expect.stringContaining('damaged JPEG data'),
    });
  });
});

describe('no false alarm on real slides', () => {
  async function problems(path: string): Promise<{ tiles: number; bad: string[] }> {
    const file = await readTiffStructure(path);
    const bad: string[] = [];
    let tiles = 0;
    for (const dir of file.directories) {
      if (!dir.isTiled || dir.compressionCode !== 7) continue;
      for (let i = 0; i < dir.tileOffsets.length; i++) {
        const bytes = new Uint8Array(dir.tileByteCounts[i]);
        await file.handle.read(bytes, 0, bytes.length, dir.tileOffsets[i]);
        tiles++;
        const p = jpegTileProblem(bytes);
        if (p) bad.push(`IFD ${dir.index} tile ${i}: ${p}`);
      }
    }
    await file.handle.close();
    return { tiles, bad };
  }

  test('every JPEG tile of a vips pyramid, our generator (generic and Aperio) and small_HE.svs passes', async () => {
    const files = [await writePyramid(makePattern(1200, 900, 7), tmp.dir, 'jpeg')];
    for (const flavour of ['generic', 'aperio'] as const) {
      const path = join(tmp.dir, `synth-${flavour}.${flavour === 'aperio' ? 'svs' : 'tif'}`);
      await synthSlide({ path, width: 2000, height: 1500, seed: 9, flavour });
      files.push(path);
    }
    const he = smallHePath();
    if (he) files.push(he);
    for (const f of files) {
      const { tiles, bad } = await problems(f);
      expect(tiles, f).toBeGreaterThan(10);
      expect(bad, f).toEqual([]);
    }
  }, 120_000);
});
