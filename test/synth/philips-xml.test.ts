// Tests of src/synth/philips-xml.ts: Philips' level plan (tile-padded pages, OpenSlide's clipped sizes)
// and the pixel spacing string OpenSlide parses (row then column, in mm, quoted).
import { describe, expect, test } from 'vitest';
import { philipsDescription, pixelSpacingMm, planPhilipsLevels } from '../../src/synth/index.js';

describe('planPhilipsLevels', () => {
  test.each([
    // content w, h, tile -> [padded w, h, downsample, openslide w, h] per level
    [
      3000,
      2200,
      256,
      [
        [3072, 2304, 1, 3072, 2304],
        [768, 768, 4, 768, 576],
        [256, 256, 16, 192, 144],
      ],
    ],
    [
      512,
      512,
      512,
      [
        [512, 512, 1, 512, 512],
        [512, 512, 4, 128, 128],
      ],
    ],
    [
      100,
      50,
      256,
      [
        [256, 256, 1, 256, 256],
        [256, 256, 4, 64, 64],
      ],
    ],
    [
      5000,
      300,
      512,
      [
        [5120, 512, 1, 5120, 512],
        [1536, 512, 4, 1280, 128],
        [512, 512, 16, 320, 32],
      ],
    ],
  ])('%i x %i with %i px tiles', (width, height, tile, expected) => {
    const levels = planPhilipsLevels(width, height, tile);
    expect(levels.map((l) => [l.width, l.height, l.downsample, l.openSlideWidth, l.openSlideHeight])).toEqual(expected);
    for (const l of levels) expect([l.width % tile, l.height % tile]).toEqual([0, 0]);
  });
});

test('pixelSpacingMm gives the row (y) spacing first, then the column (x) spacing, in mm', () => {
  expect(pixelSpacingMm(0.25, 0.26, 1)).toBe('"0.00026" "0.00025"');
  expect(pixelSpacingMm(0.25, 0.25, 16)).toBe('"0.004" "0.004"');
  expect(pixelSpacingMm(0.227273, 0.227273, 2)).toBe('"0.000454546" "0.000454546"');
});

test('philipsDescription is a DPUfsImport document with one WSI image and a spacing per level', () => {
  const levels = planPhilipsLevels(3000, 2200, 256);
  const xml = philipsDescription({
    mppX: 0.5,
    mppY: 0.5,
    levels,
    quality: 80,
    isBigTiff: true,
    objectivePower: 20,
    barcode: 'A&B',
    labelJpegBase64: 'TA==',
    macroJpegBase64: 'TQ==',
  });
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8" \?>\n<DataObject ObjectType="DPUfsImport">/);
  expect(xml.match(/>WSI</g)).toHaveLength(1);
  expect(xml.match(/ObjectType="PixelDataRepresentation"/g)).toHaveLength(levels.length);
  expect(xml).toContain('PMSVR="IDoubleArray">&quot;0.002&quot; &quot;0.002&quot;</Attribute>');
  expect(xml).toContain('>QSZC</Attribute>');
  expect(xml).toContain('tiff-useBigTIFF=1-useRgb=0-levels=20,10000,10001-');
});
