// Options of trainDemoModel: defaults for missing fields, every bad value named in one error.
import { describe, expect, test } from 'vitest';
import { normalizeTrainDemoOptions, TRAIN_DEMO_DEFAULTS } from '../../../src/model/zoo/index.js';

describe('normalizeTrainDemoOptions', () => {
  test('fills defaults for missing and undefined fields', () => {
    expect(normalizeTrainDemoOptions({ outDir: 'm', slides: undefined, seed: 0 })).toMatchObject({
      ...TRAIN_DEMO_DEFAULTS,
      seed: 0,
      outDir: 'm',
    });
  });

  test('names every bad value at once', () => {
    expect(() => normalizeTrainDemoOptions({ outDir: 'm', patchesPerSlide: 0, width: 1.5 })).toThrow(
      'Expected `width` to be a positive integer, received `1.5` (number)\nExpected `patchesPerSlide` to be a positive integer, received `0` (number)',
    );
  });
});
