// Tissue windows (pure): the kept positions of a grid grouped into square windows of k x k positions.
// Window (wc, wr) holds the positions of columns [wc*k, wc*k + k) and rows [wr*k, wr*k + k); only
// windows with at least one kept position exist, in row-major order; inside a window, its kept
// positions keep their row-major grid order. A window is `patch + (k-1)*stride` pixels on a side at the
// patch resolution, so neighbouring windows overlap by `patch - stride` and every position's patch
// lies inside its window at offset ((c - c0) * stride, (r - r0) * stride).

/** Window side in pixels at the patch resolution. */
export function windowSidePx(patchSizePx: number, stridePx: number, k: number): number {
  return patchSizePx + (k - 1) * stridePx;
}

/**
 * The planner's k when the user gives none: the smallest k whose window is at least
 * AUTO_WINDOW_SIDE_PX on a side. Measured (bench/RESULTS.md): at stride 16 the windows' overlap
 * falls from 3.7x the tissue area at k = 14 to 1.5x at k = 56, while more background enters at
 * tissue borders as k grows; about 1024 px sits between, and keeps one dense forward pass small.
 */
export const AUTO_WINDOW_SIDE_PX = 1024;

export function autoWindowPositions(patchSizePx: number, stridePx: number): number {
  return Math.max(1, Math.ceil((AUTO_WINDOW_SIDE_PX - patchSizePx) / stridePx) + 1);
}

export interface SlideWindows {
  k: number;
  /** Windows kept (M). */
  count: number;
  /** Grid column and row of each window's first position (c0 = wc*k, r0 = wr*k), M each. */
  col0: Int32Array;
  row0: Int32Array;
  /** Level-0 top-left of each window: where position (c0, r0) lies, kept or not. */
  originX: Int32Array;
  originY: Int32Array;
  /** Window w holds positions [posStart[w], posStart[w+1]) of posGrid/posCell (M + 1 values). */
  posStart: Int32Array;
  /** Grid index of each kept position, window by window (P values, P = the grid's count). */
  posGrid: Int32Array;
  /** Cell of each kept position in its window: (r - r0) * k + (c - c0). */
  posCell: Int32Array;
}

export interface WindowGridShape {
  /** Kept positions, level-0 (x, y) pairs in row-major grid order (the grid file's coords). */
  coords: Int32Array;
  strideLevel0: number;
  cols: number;
  rows: number;
}

/** Group a grid's kept positions into k x k windows. Memory: O(positions + windows). */
export function groupWindows(g: WindowGridShape, k: number): SlideWindows {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`window positions must be a positive integer, got ${k}`);
  const n = g.coords.length / 2;
  const wcols = Math.max(1, Math.ceil(g.cols / k));
  const cell = (i: number) => {
    const c = Math.round(g.coords[2 * i] / g.strideLevel0);
    const r = Math.round(g.coords[2 * i + 1] / g.strideLevel0);
    return { c, r, key: Math.floor(r / k) * wcols + Math.floor(c / k) };
  };
  // Keys of kept windows, ascending (row-major), with their position counts.
  const counts = new Map<number, number>();
  const keys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const { key } = cell(i);
    keys[i] = key;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const order = [...counts.keys()].sort((a, b) => a - b);
  const m = order.length;
  const index = new Map(order.map((key, w) => [key, w]));
  const posStart = new Int32Array(m + 1);
  for (let w = 0; w < m; w++) posStart[w + 1] = posStart[w] + (counts.get(order[w]) as number);
  const fill = posStart.slice(0, m);
  const posGrid = new Int32Array(n);
  const posCell = new Int32Array(n);
  const col0 = new Int32Array(m);
  const row0 = new Int32Array(m);
  const originX = new Int32Array(m);
  const originY = new Int32Array(m);
  for (let w = 0; w < m; w++) {
    col0[w] = (order[w] % wcols) * k;
    row0[w] = Math.floor(order[w] / wcols) * k;
    originX[w] = Math.round(col0[w] * g.strideLevel0);
    originY[w] = Math.round(row0[w] * g.strideLevel0);
  }
  // Grid order is row-major, so a stable pass keeps each window's positions row-major too.
  for (let i = 0; i < n; i++) {
    const w = index.get(keys[i]) as number;
    const { c, r } = cell(i);
    const at = fill[w]++;
    posGrid[at] = i;
    posCell[at] = (r - row0[w]) * k + (c - col0[w]);
  }
  return { k, count: m, col0, row0, originX, originY, posStart, posGrid, posCell };
}

/** Kept positions per window (M values): what shard planning balances besides bytes. */
export function positionsPerWindow(w: SlideWindows): Int32Array {
  const out = new Int32Array(w.count);
  for (let i = 0; i < w.count; i++) out[i] = w.posStart[i + 1] - w.posStart[i];
  return out;
}
