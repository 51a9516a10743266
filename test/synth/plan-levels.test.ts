// Tests of src/synth/plan-levels.ts: downsample 4 per level until about 1000 px, at least two levels.
import { expect, test } from 'vitest';
import { planLevels } from '../../src/synth/index.js';

test.each([
  [
    4096,
    4096,
    [
      [4096, 4096, 1],
      [1024, 1024, 4],
    ],
  ],
  [
    1000,
    800,
    [
      [1000, 800, 1],
      [250, 200, 4],
    ],
  ],
  [
    100000,
    80000,
    [
      [100000, 80000, 1],
      [25000, 20000, 4],
      [6250, 5000, 16],
      [1563, 1250, 64],
      [391, 313, 256],
    ],
  ],
  [
    5000,
    64,
    [
      [5000, 64, 1],
      [1250, 16, 4],
      [313, 4, 16],
    ],
  ],
])('planLevels(%d, %d)', (width, height, expected) => {
  expect(planLevels(width, height).map((l) => [l.width, l.height, l.downsample])).toEqual(expected);
});
