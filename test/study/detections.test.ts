// Tests of src/study/detections.ts: non-maximum suppression over heatmap cells.
import { expect, test } from 'vitest';
import { heatmapDetections } from '../../src/study/index.js';

test('detections: highest cell first, neighbours within the radius suppressed, ties to the earlier cell, NaN skipped', () => {
  // 4 x 3 cells of 100 level-0 px:
  //   0.2  0.9  0.9  0.1
  //   0.5  0.3  0.2  0.05
  //   NaN  0.1  0.6  0.95
  const v = Float32Array.from([0.2, 0.9, 0.9, 0.1, 0.5, 0.3, 0.2, 0.05, Number.NaN, 0.1, 0.6, 0.95]);
  // Floor 0.15, radius 1 cell: 0.95 at (3,2) suppresses (2,2) and (3,1); 0.9 at (1,0) (the earlier of the
  // tie) suppresses (0,0), (2,0), (1,1); 0.5 at (0,1); 0.2 at (2,1) is diagonal to both earlier picks: kept.
  const d = heatmapDetections(v, 4, 3, 100, { floor: 0.15, radiusCells: 1 });
  expect(d.map((p) => [p.x, p.y, p.probability])).toEqual([
    [350, 250, v[11]],
    [150, 50, v[1]],
    [50, 150, v[4]],
    [250, 150, v[6]],
  ]);
});

test('a plateau gives detections more than the radius apart, not one per cell', () => {
  const v = new Float32Array(25).fill(0.75);
  // 5 x 5 cells of 10 px, default radius 2 cells (d² <= 4 suppressed), picked in raster order:
  // (0,0); (3,0) at d² 9; (1,2) at d² 5 and 8; (4,2) at 5 and 9; (0,4) at 5; (3,4) at 5 from (4,2), 9 from (0,4).
  const d = heatmapDetections(v, 5, 5, 10);
  expect(d.map((p) => [(p.x - 5) / 10, (p.y - 5) / 10])).toEqual([
    [0, 0],
    [3, 0],
    [1, 2],
    [4, 2],
    [0, 4],
    [3, 4],
  ]);
});
