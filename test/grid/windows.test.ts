// Tissue windows (src/grid/windows.ts) on hand-computed grids: which windows exist and in what order,
// their first column/row and level-0 origin, and where each kept position sits in its window.
import { describe, expect, test } from 'vitest';
import { AUTO_WINDOW_SIDE_PX, autoWindowPositions, groupWindows, positionsPerWindow, windowSidePx } from '../../src/grid/index.js';

/** Level-0 coords of kept cells [c, r] (row-major), laid as plan-grid.ts lays them: round(c * stride). */
function gridOf(cells: Array<[number, number]>, strideLevel0: number, cols: number, rows: number) {
  const coords = new Int32Array(cells.flatMap(([c, r]) => [Math.round(c * strideLevel0), Math.round(r * strideLevel0)]));
  return { coords, strideLevel0, cols, rows };
}

describe('windowSidePx and autoWindowPositions', () => {
  test('a window is patch + (k-1) x stride pixels; k = 1 is the patch', () => {
    expect(windowSidePx(224, 16, 1)).toBe(224);
    expect(windowSidePx(224, 16, 14)).toBe(224 + 13 * 16);
    expect(windowSidePx(224, 16, 56)).toBe(1104);
    expect(windowSidePx(256, 32, 3)).toBe(320);
  });

  test('the planner picks the smallest k whose window reaches AUTO_WINDOW_SIDE_PX', () => {
    expect(AUTO_WINDOW_SIDE_PX).toBe(1024);
    // 224 + 49 x 16 = 1008 < 1024 <= 224 + 50 x 16 = 1024.
    expect(autoWindowPositions(224, 16)).toBe(51);
    expect(windowSidePx(224, 16, 51)).toBe(1024);
    // 224 + 25 x 32 = 1024 exactly.
    expect(autoWindowPositions(224, 32)).toBe(26);
    // 224 + 7 x 112 = 1008 < 1024, 8 x 112 more: k = 9 (1120 px).
    expect(autoWindowPositions(224, 112)).toBe(9);
    expect(windowSidePx(224, 112, 8)).toBeLessThan(1024);
    // A patch already larger than the target: one position per window.
    expect(autoWindowPositions(2048, 16)).toBe(1);
  });
});

describe('groupWindows', () => {
  // cols 5 x rows 4, k = 2: window columns {0,1} {2,3} {4} (the last is an edge window with one column),
  // window rows {0,1} {2,3}. Kept cells, row-major: (0,0) (3,0) (4,0) (1,1) (4,1) (2,3) (4,3).
  const cells: Array<[number, number]> = [
    [0, 0],
    [3, 0],
    [4, 0],
    [1, 1],
    [4, 1],
    [2, 3],
    [4, 3],
  ];

  test('5 x 4 grid, k = 2: row-major kept windows, their first cell and origin, each position cell', () => {
    const w = groupWindows(gridOf(cells, 10, 5, 4), 2);
    expect(w.k).toBe(2);
    // Windows (wc, wr) = (0,0) (1,0) (2,0) (1,1) (2,1); (0,1) holds no kept position and does not exist.
    expect(w.count).toBe(5);
    expect([...w.col0]).toEqual([0, 2, 4, 2, 4]);
    expect([...w.row0]).toEqual([0, 0, 0, 2, 2]);
    expect([...w.originX]).toEqual([0, 20, 40, 20, 40]);
    expect([...w.originY]).toEqual([0, 0, 0, 20, 20]);
    expect([...w.posStart]).toEqual([0, 2, 3, 5, 6, 7]);
    // Window 0 holds grid indices 0 (0,0) and 3 (1,1); window 2 holds 2 (4,0) and 4 (4,1), row-major inside.
    expect([...w.posGrid]).toEqual([0, 3, 1, 2, 4, 5, 6]);
    // Cell = (r - r0) * k + (c - c0): (1,1) -> 3, (3,0) in window col0 2 -> 1, (4,1) -> 2, (2,3) -> 2, (4,3) -> 2.
    expect([...w.posCell]).toEqual([0, 3, 1, 0, 2, 2, 2]);
    expect([...positionsPerWindow(w)]).toEqual([2, 1, 2, 1, 1]);
  });

  test('edge windows of fewer columns never hold a cell past the grid (cell column < grid cols - col0)', () => {
    const w = groupWindows(gridOf(cells, 10, 5, 4), 2);
    for (let v = 0; v < w.count; v++) {
      for (let q = w.posStart[v]; q < w.posStart[v + 1]; q++) {
        expect(w.col0[v] + (w.posCell[q] % 2)).toBeLessThan(5);
        expect(w.row0[v] + Math.floor(w.posCell[q] / 2)).toBeLessThan(4);
      }
    }
    // k = 3 on 5 columns: window columns {0,1,2} {3,4}; (4,3) is in window (1,1) at cell (1, 0).
    const w3 = groupWindows(gridOf(cells, 10, 5, 4), 3);
    expect([...w3.col0]).toEqual([0, 3, 0, 3]);
    expect([...w3.row0]).toEqual([0, 0, 3, 3]);
    expect([...w3.posGrid]).toEqual([0, 3, 1, 2, 4, 5, 6]);
    expect([...w3.posCell]).toEqual([0, 4, 0, 1, 4, 2, 1]);
  });

  test('a non-integer level-0 stride: origins are where position (c0, r0) lies, rounded as the grid rounds', () => {
    // strideLevel0 7.5: cell 1 at round(7.5) = 8, cell 2 at 15, cell 3 at round(22.5) = 23, cell 4 at 30.
    const g = gridOf(cells, 7.5, 5, 4);
    expect([...g.coords.slice(0, 4)]).toEqual([0, 0, 23, 0]);
    const w = groupWindows(g, 2);
    expect([...w.originX]).toEqual([0, 15, 30, 15, 30]);
    expect([...w.originY]).toEqual([0, 0, 0, 15, 15]);
    expect([...w.posCell]).toEqual([0, 3, 1, 0, 2, 2, 2]);
    // k = 3: window columns start at 0 and 3 -> level-0 x 0 and round(22.5) = 23.
    const w3 = groupWindows(g, 3);
    expect([...w3.originX]).toEqual([0, 23, 0, 23]);
    expect([...w3.originY]).toEqual([0, 0, 23, 23]);
  });

  test('k = 1: one window per kept position, in grid order, each at the position', () => {
    const g = gridOf(cells, 7.5, 5, 4);
    const w = groupWindows(g, 1);
    expect(w.count).toBe(cells.length);
    expect([...w.posGrid]).toEqual(cells.map((_, i) => i));
    expect([...w.posCell]).toEqual(cells.map(() => 0));
    expect([...w.posStart]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (let i = 0; i < cells.length; i++) {
      expect([w.originX[i], w.originY[i]]).toEqual([g.coords[2 * i], g.coords[2 * i + 1]]);
      expect([w.col0[i], w.row0[i]]).toEqual(cells[i]);
    }
  });

  test('a k larger than the grid gives one window; no kept position gives none', () => {
    const w = groupWindows(gridOf(cells, 10, 5, 4), 8);
    expect(w.count).toBe(1);
    expect([...w.posStart]).toEqual([0, 7]);
    expect([...w.posCell]).toEqual([0, 3, 4, 8 + 1, 8 + 4, 24 + 2, 24 + 4]);
    const none = groupWindows(gridOf([], 10, 5, 4), 2);
    expect(none.count).toBe(0);
    expect([...none.posStart]).toEqual([0]);
    expect(none.posGrid.length).toBe(0);
  });

  test.each([0, -1, 1.5, Number.NaN])('k = %s is refused', (k) => {
    expect(() => groupWindows(gridOf(cells, 10, 5, 4), k)).toThrow(/positive integer/);
  });
});
