// Pure parts of the OpenSlide backend: ARGB conversion over the background colour, Python-style rounding of
// level-0 coordinates, and SlideInfo from OpenSlide properties (tile size default, objective power, MPP rules).

import { describe, expect, test } from 'vitest';
import { argbToRgb, parseBackground } from '../../src/slide/openslide/argb-to-rgb.js';
import { buildOpenSlideInfo, DEFAULT_TILE_PX } from '../../src/slide/openslide/openslide-info.js';
import { roundHalfEven } from '../../src/slide/openslide/openslide-reader.js';

const argb = (a: number, r: number, g: number, b: number): number => ((a << 24) | (r << 16) | (g << 8) | b) >>> 0;

describe('argbToRgb', () => {
  test.each([
    ['opaque keeps its colour', argb(255, 10, 20, 30), [255, 255, 255], [10, 20, 30]],
    ['transparent is white', argb(0, 0, 0, 0), [255, 255, 255], [255, 255, 255]],
    ['transparent is the background colour', argb(0, 0, 0, 0), [240, 16, 0], [240, 16, 0]],
    ['half-covered premultiplied black over white is mid grey', argb(128, 0, 0, 0), [255, 255, 255], [127, 127, 127]],
    ['premultiplied colour plus 255 - a of white', argb(100, 40, 50, 60), [255, 255, 255], [195, 205, 215]],
    ['over a background: c + round(bg * (255 - a) / 255)', argb(51, 20, 0, 51), [255, 100, 0], [224, 80, 51]],
  ] as const)('%s', (_name, pixel, background, rgb) => {
    expect(Array.from(argbToRgb(Uint32Array.of(pixel), background))).toEqual(rgb);
  });

  test.each([
    [undefined, [255, 255, 255]],
    ['F0F0F0', [240, 240, 240]],
    ['00ff80', [0, 255, 128]],
    ['#FFFFFF', [255, 255, 255]],
    ['zzzzzz', [255, 255, 255]],
  ] as const)('parseBackground(%s) is %j', (hex, rgb) => {
    expect(parseBackground(hex)).toEqual(rgb);
  });
});

test.each([
  [2.5, 2],
  [3.5, 4],
  [-0.5, 0], // Python round(-0.5) == 0
  [1196.2, 1196],
  [1196.5000001, 1197],
  [7, 7],
])('roundHalfEven(%d) is %d as Python round()', (value, rounded) => {
  expect(roundHalfEven(value)).toBe(rounded);
});

describe('buildOpenSlideInfo', () => {
  const levels = [
    { width: 1000, height: 800, downsample: 1 },
    { width: 500, height: 400, downsample: 2 },
  ];
  const noOverride = { mppOverride: null, isOverrideOnlyWhenMissing: false };

  test('tile size from openslide.level[N].tile-*, else 256; compression unknown; objective power; vendor', () => {
    const info = buildOpenSlideInfo(
      '/s.ndpi',
      levels,
      {
        'openslide.vendor': 'hamamatsu',
        'openslide.level[0].tile-width': '512',
        'openslide.level[0].tile-height': '128',
        'openslide.objective-power': '40',
        'openslide.mpp-x': '0.2265',
        'openslide.mpp-y': '0.2271',
      },
      noOverride,
      'hamamatsu',
    );
    expect(info.levels.map((l) => [l.tileWidth, l.tileHeight, l.compression, l.ifd])).toEqual([
      [512, 128, 'unknown', -1],
      [DEFAULT_TILE_PX, DEFAULT_TILE_PX, 'unknown', -1],
    ]);
    expect(info).toMatchObject({
      format: 'openslide',
      backend: 'openslide',
      vendor: 'hamamatsu',
      objectivePower: 40,
      mppX: 0.2265,
      mppY: 0.2271,
      mppSource: 'openslide',
      associated: [],
    });
  });

  test.each([
    [
      'implausible openslide.mpp-x falls back to TIFF resolution',
      {
        'openslide.mpp-x': '0',
        'openslide.mpp-y': '0',
        'tiff.ResolutionUnit': 'centimeter',
        'tiff.XResolution': '40000',
        'tiff.YResolution': '40000',
      },
      noOverride,
      [0.25, 0.25, 'tiff-resolution'],
    ],
    [
      'inch resolution',
      { 'tiff.ResolutionUnit': 'inch', 'tiff.XResolution': '50800', 'tiff.YResolution': '50800' },
      noOverride,
      [0.5, 0.5, 'tiff-resolution'],
    ],
    [
      'libvips default 10 px/cm is implausible: none',
      { 'tiff.ResolutionUnit': 'centimeter', 'tiff.XResolution': '10', 'tiff.YResolution': '10' },
      noOverride,
      [null, null, 'none'],
    ],
    [
      'override wins over the vendor',
      { 'openslide.mpp-x': '0.5', 'openslide.mpp-y': '0.5' },
      { mppOverride: 0.3, isOverrideOnlyWhenMissing: false },
      [0.3, 0.3, 'override'],
    ],
    [
      'override only when missing keeps the vendor',
      { 'openslide.mpp-x': '0.5', 'openslide.mpp-y': '0.5' },
      { mppOverride: 0.3, isOverrideOnlyWhenMissing: true },
      [0.5, 0.5, 'openslide'],
    ],
    ['override only when missing fills a gap', {}, { mppOverride: 0.3, isOverrideOnlyWhenMissing: true }, [0.3, 0.3, 'override']],
  ] as const)('MPP: %s', (_name, props, config, expected) => {
    const info = buildOpenSlideInfo('/s.tif', levels, props, config, null);
    expect([info.mppX, info.mppY, info.mppSource]).toEqual(expected);
    expect(info.objectivePower).toBeNull();
    expect(info.vendor).toBe('unknown');
  });
});
