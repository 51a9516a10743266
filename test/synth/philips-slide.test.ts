// Tests of src/synth/synth-philips.ts against OpenSlide 3.4.1 (Debian's python): the file must be read
// as vendor `philips` with the MPP of the DPUfsImport XML, Philips' clipped level sizes, the label and
// macro of the XML, and regions equal to the pixels the generator encoded, within JPEG error.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RgbImage } from '../../src/slide/index.js';
import { planPhilipsLevels, synthPhilipsSlide } from '../../src/synth/index.js';
import type { PhilipsSidecar, SynthPhilipsResult } from '../../src/synth/index.js';
import { cropWhite, makeTempDir, meanAbsError, openSlideOracle } from '../slide/fixtures.js';

const TILE = 256;
let dir: string;
let cleanup: () => Promise<void>;
let slide: SynthPhilipsResult;
/** What the generator encoded, per level, at the padded TIFF size. */
let encoded: RgbImage[];

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('philips'));
  encoded = planPhilipsLevels(3000, 2200, TILE).map(({ width, height }) => ({ width, height, data: new Uint8Array(width * height * 3) }));
  slide = await synthPhilipsSlide({
    path: join(dir, 'philips.tiff'),
    width: 3000,
    height: 2200,
    mppX: 0.25,
    mppY: 0.26,
    seed: 5,
    onTilePixels: (level, col, row, rgb) => {
      const canvas = encoded[level];
      for (let y = 0; y < TILE; y++) {
        canvas.data.set(rgb.subarray(y * TILE * 3, (y + 1) * TILE * 3), ((row * TILE + y) * canvas.width + col * TILE) * 3);
      }
    },
  });
}, 120_000);
afterAll(async () => {
  await cleanup();
});

test('OpenSlide reads it as philips: MPP from the XML pixel spacing (row, column in mm), levels 4x apart clipped as Philips', async () => {
  const facts = await openSlideOracle(slide.path, dir);
  expect(facts.properties['openslide.vendor']).toBe('philips');
  expect(facts.properties['tiff.Software']).toMatch(/^Philips/);
  expect(Number(facts.properties['openslide.mpp-x'])).toBeCloseTo(0.25, 9);
  expect(Number(facts.properties['openslide.mpp-y'])).toBeCloseTo(0.26, 9);
  expect(facts.properties['philips.DICOM_PIXEL_SPACING']).toBe('"0.00026" "0.00025"');
  // No TIFF resolution: the XML is the only place the MPP can come from.
  expect(facts.properties['tiff.XResolution']).toBeUndefined();
  expect(facts.levelCount).toBe(3);
  // Level 0 is the content padded to whole tiles; lower levels are level 0 / downsample (the TIFF pages are padded further).
  expect(facts.levelDimensions).toEqual([
    [3072, 2304],
    [768, 576],
    [192, 144],
  ]);
  expect(facts.levelDownsamples).toEqual([1, 4, 16]);
  expect(slide.levels.map((l) => [l.width, l.height])).toEqual([
    [3072, 2304],
    [768, 768],
    [256, 256],
  ]);
  expect(slide.levels.map((l) => [l.openSlideWidth, l.openSlideHeight])).toEqual(facts.levelDimensions);
  expect(facts.associated).toEqual({ label: [400, 400], macro: [1200, 400] });
  expect(Buffer.from(facts.properties['philips.PIM_DP_UFS_BARCODE'], 'base64').toString()).toBe('WSIHPC-5');
});

test('OpenSlide regions at every level equal the encoded pixels within JPEG error, and not a shifted copy', async () => {
  const sidecar = JSON.parse(await readFile(slide.sidecarPath, 'utf8')) as PhilipsSidecar;
  const [tx, ty] = sidecar.samples.tumour[0] ?? sidecar.samples.stroma[0];
  const regions = [
    // Level 0 around tissue, across tile boundaries.
    { level: 0, x: Math.max(0, Math.round(tx) - 200), y: Math.max(0, Math.round(ty) - 150), width: 400, height: 300 },
    { level: 0, x: 2900, y: 2100, width: 172, height: 204 },
    { level: 1, x: 100, y: 50, width: 500, height: 400 },
    { level: 2, x: 0, y: 0, width: 192, height: 144 },
  ];
  const { images } = await openSlideOracle(slide.path, dir, regions);
  regions.forEach((r, k) => {
    const source = cropWhite(encoded[r.level], r.x, r.y, r.width, r.height);
    const error = Math.max(...meanAbsError(images[k], source));
    expect(error, `level ${r.level} (${r.x}, ${r.y})`).toBeLessThan(3);
    // Textured regions (not the glass corner) are told apart from the same pixels 9 px right, 7 px down.
    if (k !== 1)
      expect(Math.max(...meanAbsError(images[k], cropWhite(encoded[r.level], r.x + 9, r.y + 7, r.width, r.height)))).toBeGreaterThan(
        3 * error,
      );
  });
});

test('a bad mppY is refused with a message naming it, and nothing is written', async () => {
  const path = join(dir, 'bad.tiff');
  await expect(synthPhilipsSlide({ path, width: 512, height: 512, mppY: 0 })).rejects.toThrow(
    'Expected `mppY` to be a positive number of microns per pixel, received 0',
  );
  await expect(readFile(path)).rejects.toThrow(/ENOENT/);
});

test('a BigTIFF Philips file (as large scans are) is read by OpenSlide as philips too', async () => {
  const big = await synthPhilipsSlide({ path: join(dir, 'big.tiff'), width: 1500, height: 1000, mppX: 0.5, bigTiff: 'always', seed: 9 });
  const bytes = await readFile(big.path);
  expect(bytes.readUInt16LE(2)).toBe(43);
  const facts = await openSlideOracle(big.path, dir);
  expect(facts.properties['openslide.vendor']).toBe('philips');
  expect(facts.properties['philips.DICOM_DERIVATION_DESCRIPTION']).toContain('useBigTIFF=1');
  expect(Number(facts.properties['openslide.mpp-x'])).toBeCloseTo(0.5, 9);
  expect(facts.levelDimensions).toEqual(big.levels.map((l) => [l.openSlideWidth, l.openSlideHeight]));
});
