import { describe, expect, test } from 'vitest';
import { normalizeGridOptions, resolveLevel } from '../../src/grid/index.js';

const pyramid = { downsamples: [1, 4, 16, 64], mpp: 0.25 };

describe('resolveLevel', () => {
  test.each([
    ['a level within 10% is read as is', 1.0, { level: 1, readSizePx: 224, resampled: false }],
    ['a level 9% off is still used as is', 1.09, { level: 1, readSizePx: 224, resampled: false }],
    ['0.5 µm/px on a 0.25 slide reads 448 px at level 0', 0.5, { level: 0, readSizePx: 448, resampled: true }],
    ['2 µm/px reads the finer level 1 and shrinks', 2.0, { level: 1, readSizePx: 448, resampled: true }],
    ['finer than level 0 upsamples', 0.125, { level: 0, readSizePx: 112, resampled: true, upsampled: true }],
  ])('%s', (_name, targetMpp, expected) => {
    expect(resolveLevel(pyramid, normalizeGridOptions({ targetMpp, patchSizePx: 224 }))).toMatchObject(expected);
  });

  test('an explicit level needs no MPP', () => {
    const choice = resolveLevel({ downsamples: [1, 4], mpp: null }, normalizeGridOptions({ level: 1 }));
    expect(choice).toMatchObject({ level: 1, downsample: 4, levelMpp: null, readSizePx: 224 });
  });

  test('a missing MPP is MPP_MISSING naming the file, with a hint', () => {
    expect(() => resolveLevel({ downsamples: [1], mpp: null, file: '/data/x.tif' }, normalizeGridOptions({ targetMpp: 0.5 }))).toThrowError(
      expect.objectContaining({
        code: 'MPP_MISSING',
        message: expect.stringContaining('/data/x.tif'),
        hint: expect.stringContaining('--slide-mpp'),
      }),
    );
  });

  test('a level past the pyramid is refused', () => {
    expect(() => resolveLevel({ downsamples: [1, 4], mpp: 0.5 }, normalizeGridOptions({ level: 2 }))).toThrow(
      /Expected `level` to be below 2/,
    );
  });
});

describe('normalizeGridOptions', () => {
  test.each([
    [{ patchSizePx: 0 }, 'Expected `patchSizePx` to be a positive integer, received `0` (number)'],
    [{ stridePx: 1.5 }, 'Expected `stridePx` to be a positive integer, received `1.5` (number)'],
    [{ minTissue: 2 }, 'Expected `minTissue` to be a number between 0 and 1, received `2` (number)'],
    [{ targetMpp: -1 }, 'Expected `targetMpp` to be a positive number, received `-1` (number)'],
    [{ level: 1, targetMpp: 0.5 }, 'Give either `level` or `targetMpp` (--level or --mpp), not both'],
  ])('rejects %o', (raw, message) => {
    expect(() => normalizeGridOptions(raw)).toThrowError(message);
  });

  test('fills defaults and freezes', () => {
    const cfg = normalizeGridOptions({});
    expect(cfg).toEqual({ patchSizePx: 224, targetMpp: 0.5, level: null, stridePx: 224, minTissue: 0.25 });
    expect(Object.isFrozen(cfg)).toBe(true);
  });
});
