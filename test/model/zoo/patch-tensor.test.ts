// RGB uint8 HWC to normalized float NCHW, checked against the card formula by hand.
import { expect, test } from 'vitest';
import { writeNormalizedPatch } from '../../../src/model/zoo/index.js';

test('writeNormalizedPatch puts ((v / 255) - mean) / std of each channel in its plane of the batch', () => {
  const rgb = Uint8Array.from([255, 0, 51, 0, 102, 255]);
  const out = new Float32Array(2 * 3 * 2).fill(9);
  writeNormalizedPatch(out, 1, rgb, 2, [0.5, 0.25, 0], [0.5, 0.25, 1]);
  expect(Array.from(out.subarray(0, 6))).toEqual([9, 9, 9, 9, 9, 9]);
  const expected = [1, -1, -1, 0.6, 0.2, 1];
  for (const [i, v] of Array.from(out.subarray(6)).entries()) expect(v).toBeCloseTo(expected[i], 6);
});
