// Data types of the patch grid. Coordinates are level-0 pixels, (x, y) = top-left corner.

export interface GridOptions {
  /** Patch edge in pixels at the target resolution (what the model sees). @default 224 */
  patchSizePx?: number;
  /** Target resolution, µm per pixel. Exclusive with `level`. @default 0.5 */
  targetMpp?: number;
  /** Read at this pyramid level instead of a target MPP. */
  level?: number;
  /** Step between patches in target pixels; < patch size overlaps. @default patchSizePx */
  stridePx?: number;
  /** Minimum tissue fraction (0–1) of a patch's area. @default 0.25 */
  minTissue?: number;
}

export interface GridConfig {
  readonly patchSizePx: number;
  readonly targetMpp: number | null;
  readonly level: number | null;
  readonly stridePx: number;
  readonly minTissue: number;
}

/** Which pyramid level a patch is read from and how it is resampled to the patch size. */
export interface LevelChoice {
  level: number;
  downsample: number;
  /** µm/px of the level read, null when the slide has no MPP and `level` was given. */
  levelMpp: number | null;
  /** Effective µm/px of the output patch. */
  patchMpp: number | null;
  /** Edge of the square read at `level`, in level pixels. */
  readSizePx: number;
  /** True when readSizePx != patchSizePx and the patch is resized. */
  resampled: boolean;
  /** True when the target is finer than level 0 (patches are upsampled). */
  upsampled: boolean;
}

export interface PatchGrid {
  choice: LevelChoice;
  patchSizePx: number;
  stridePx: number;
  /** Patch footprint and step in level-0 pixels. */
  footprintLevel0: number;
  strideLevel0: number;
  /** Candidate positions along x and y before the tissue filter. */
  cols: number;
  rows: number;
  /** Kept patches in row-major order: coords[2i] = x, coords[2i+1] = y (level 0). */
  coords: Int32Array;
  /** Tissue fraction of each kept patch. */
  tissue: Float32Array;
}

/** The mask the grid is laid over: 0/1 pixels, and level-0 pixels per mask pixel. */
export interface GridMask {
  width: number;
  height: number;
  data: Uint8Array;
  scaleX: number;
  scaleY: number;
}
