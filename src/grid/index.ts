// Public entry of the grid module: patch grids over tissue masks (pure) and their file format.
export { normalizeGridOptions, GRID_DEFAULTS, GRID_LIMITS } from './defaults.js';
export { resolveLevel, LEVEL_MPP_TOLERANCE } from './resolve-level.js';
export type { PyramidShape } from './resolve-level.js';
export { planGrid, gridGeometry, integralImage, coverage } from './plan-grid.js';
export type { SlideExtent, GridGeometry } from './plan-grid.js';
export { estimateGrid, assertGridWithinLimit, gridFileBytes } from './estimate-grid.js';
export type { GridEstimate } from './estimate-grid.js';
export { encodeGrid, decodeGrid, decodePlannedGrid, GRID_MAGIC, GRID_FILE_VERSION } from './grid-file.js';
export type { GridRecords } from './grid-file.js';
export type { GridOptions, GridConfig, LevelChoice, PatchGrid, GridMask } from './types.js';
export { groupWindows, positionsPerWindow, windowSidePx, autoWindowPositions, AUTO_WINDOW_SIDE_PX } from './windows.js';
export type { SlideWindows, WindowGridShape } from './windows.js';
