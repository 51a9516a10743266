// MPP from TIFF resolution tags, the plausibility window and precedence.

import { expect, test } from 'vitest';
import { isPlausibleMpp, mppFromResolution, resolveMpp } from '../../../src/slide/tiff/mpp.js';
import type { TiffDirectory } from '../../../src/slide/tiff/types.js';

function dir(xResolution: number | null, yResolution: number | null, resolutionUnit: number | null): TiffDirectory {
  return {
    index: 0,
    width: 1,
    height: 1,
    isTiled: true,
    tileWidth: 1,
    tileHeight: 1,
    compressionCode: 7,
    photometric: 6,
    samplesPerPixel: 3,
    bitsPerSample: [8, 8, 8],
    planarConfiguration: 1,
    predictor: 1,
    newSubfileType: 0,
    description: '',
    xResolution,
    yResolution,
    resolutionUnit,
    tileOffsets: [],
    tileByteCounts: [],
    jpegTables: null,
  };
}

test.each([
  ['inch', dir(101_600, 101_600, 2), { mppX: 0.25, mppY: 0.25 }],
  ['cm', dir(40_000, 20_000, 3), { mppX: 0.25, mppY: 0.5 }],
  ['no unit', dir(40_000, 40_000, 1), null],
  ['unit absent', dir(40_000, 40_000, null), null],
  ['libvips default 10 px/cm (1000 µm/px)', dir(10, 10, 3), null],
  ['too fine (0.01 µm/px)', dir(1_000_000, 1_000_000, 3), null],
  ['no resolution', dir(null, null, 3), null],
])('mppFromResolution: %s', (_name, d, expected) => {
  expect(mppFromResolution(d)).toEqual(expected);
});

test.each([
  [0.05, true],
  [50, true],
  [0.049, false],
  [50.1, false],
  [null, false],
  [Number.NaN, false],
])('isPlausibleMpp(%j) is %j', (mpp, expected) => {
  expect(isPlausibleMpp(mpp)).toBe(expected);
});

test.each([
  ['override wins', { mppOverride: 0.3, isOverrideOnlyWhenMissing: false }, 0.5, { mppX: 0.3, mppSource: 'override' }],
  [
    'override only when missing keeps the vendor value',
    { mppOverride: 0.3, isOverrideOnlyWhenMissing: true },
    0.5,
    { mppX: 0.5, mppSource: 'aperio' },
  ],
  ['vendor before TIFF resolution', { mppOverride: null, isOverrideOnlyWhenMissing: false }, 0.5, { mppX: 0.5, mppSource: 'aperio' }],
  [
    'implausible vendor falls back to TIFF resolution',
    { mppOverride: null, isOverrideOnlyWhenMissing: false },
    900,
    { mppX: 0.25, mppSource: 'tiff-resolution' },
  ],
])('resolveMpp: %s', (_name, config, vendor, expected) => {
  expect(resolveMpp(config, vendor, 'aperio', dir(40_000, 40_000, 3))).toMatchObject(expected);
});

test('resolveMpp gives none when nothing is known, and the override fills the gap', () => {
  const none = { mppOverride: null, isOverrideOnlyWhenMissing: false };
  expect(resolveMpp(none, null, 'aperio', dir(10, 10, 3))).toEqual({ mppX: null, mppY: null, mppSource: 'none' });
  expect(resolveMpp({ mppOverride: 0.3, isOverrideOnlyWhenMissing: true }, null, 'aperio', dir(10, 10, 3))).toMatchObject({
    mppX: 0.3,
    mppSource: 'override',
  });
});
