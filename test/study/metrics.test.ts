import { describe, expect, test } from 'vitest';
import { labelPatches, rocAuc } from '../../src/study/index.js';

describe('rocAuc', () => {
  test.each([
    ['perfect ranking', [0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1], 1],
    ['inverted ranking', [0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1], 0],
    ['all tied', [0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1], 0.5],
    ['one swap of four pairs', [0.1, 0.6, 0.5, 0.9], [0, 0, 1, 1], 0.75],
    ['NaN scores are ignored', [0.1, NaN, 0.9], [0, 1, 1], 1],
  ])('%s', (_n, scores, labels, auc) => expect(rocAuc(scores, labels)).toBeCloseTo(auc, 10));

  test('one class only is NaN, not a number that looks meaningful', () => {
    expect(rocAuc([0.2, 0.4], [0, 0])).toBeNaN();
  });
});

test('labelPatches uses the patch centre, and exclusions cut holes', () => {
  const square = {
    rings: [
      [
        [0, 0],
        [200, 0],
        [200, 200],
        [0, 200],
        [0, 0],
      ] as [number, number][],
    ],
  };
  const hole = {
    group: 'Exclusion',
    rings: [
      [
        [100, 100],
        [200, 100],
        [200, 200],
        [100, 200],
        [100, 100],
      ] as [number, number][],
    ],
  };
  // Patches of 100 px at (0,0) centre 50,50 in; (150,0) centre 200,50 on the right edge = out; (100,100) centre 150,150 excluded.
  const labels = labelPatches(Int32Array.from([0, 0, 150, 0, 100, 100]), 100, { tumours: [square], exclusions: [hole], unknownGroups: [] });
  expect(Array.from(labels)).toEqual([1, 0, 0]);
});
