// Tests of src/synth/tiff-writer.ts: classic vs BigTIFF headers, IFD chain and values read back by vips.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TiffWriter } from '../../src/synth/index.js';
import type { BigTiffChoice } from '../../src/synth/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wsi-tiff-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// A 40 x 30 uncompressed RGB image in 2 strips: left half red, right half blue.
async function writeSmall(path: string, bigTiff: BigTiffChoice) {
  const writer = await TiffWriter.create(path);
  const strip = (rows: number) => {
    const data = new Uint8Array(40 * rows * 3);
    for (let p = 0; p < 40 * rows; p++) data.set(p % 40 < 20 ? [255, 0, 0] : [0, 0, 255], p * 3);
    return data;
  };
  const blocks = [await writer.writeBlock(strip(16)), await writer.writeBlock(strip(14))];
  writer.addImage({
    width: 40,
    height: 30,
    rowsPerStrip: 16,
    compression: 'none',
    photometric: 'rgb',
    newSubfileType: 0,
    description: 'small',
    pixelsPerCm: 20000,
    blocks,
  });
  writer.addImage({
    width: 40,
    height: 30,
    rowsPerStrip: 16,
    compression: 'none',
    photometric: 'rgb',
    newSubfileType: 1,
    description: 'again',
    blocks,
  });
  return writer.finish(bigTiff);
}

test.each<[BigTiffChoice, boolean, number[]]>([
  ['auto', false, [0x49, 0x49, 42, 0]],
  ['never', false, [0x49, 0x49, 42, 0]],
  ['always', true, [0x49, 0x49, 43, 0, 8, 0, 0, 0]],
])('bigTiff %s writes the matching header and vips reads both pages', async (choice, isBig, header) => {
  const path = join(dir, `${choice}.tif`);
  const result = await writeSmall(path, choice);
  expect(result.isBigTiff).toBe(isBig);
  const bytes = await readFile(path);
  expect(result.byteLength).toBe(bytes.length);
  expect([...bytes.subarray(0, header.length)]).toEqual(header);
  const { stdout } = await execa('vipsheader', ['-a', path]);
  expect(stdout).toContain('40x30 uchar, 3 bands');
  expect(stdout).toMatch(/n-pages: 2/);
  expect(stdout).toContain('image-description: small');
  const avg = await execa('vips', ['avg', `${path}[page=1]`]);
  expect(Number(avg.stdout)).toBeCloseTo((255 + 255) / 6, 5);
});
