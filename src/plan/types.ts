// plan.json: the one source of truth every stage reads (schema documented in docs/FORMAT.md).
// Paths of outputs are relative to the run folder; slide paths are absolute.
import type { ErrorCode } from '../errors.js';
import type { GridConfig } from '../grid/index.js';
import type { TissueConfig } from '../tissue/index.js';
import type { Compression, MppSource, ReaderChoice, SlideBackend, SlideFormat } from '../slide/index.js';
import type { Shard, ShardConfig, TaskSpec } from '../shard/index.js';
import type { StainModel, StainParams } from '../stain/index.js';

export const PLAN_SCHEMA_VERSION = 1;

export interface PlanParams {
  grid: GridConfig;
  tissue: TissueConfig;
  /** µm/px override for slides that record none (--slide-mpp). */
  slideMpp: number | null;
  /** Folder of per-slide user masks, absolute, or null. */
  masksDir: string | null;
  shards: ShardConfig;
  pack: PackParams;
  /** Macenko stain normalization applied at inference, or null. */
  stain: StainParams | null;
  /** Window layout (shards hold k x k-position windows instead of patches), or null for patches. */
  windows?: WindowParams | null;
  /**
   * `--reader native|openslide`: the backend every slide is read with. Absent = `auto` (the built-in
   * TIFF reader where it reads the file, else OpenSlide), as in plans written before the option.
   */
  reader?: Exclude<ReaderChoice, 'auto'>;
}

export interface WindowParams {
  /** k: positions per window side. */
  positions: number;
  /** Window side at the patch resolution: patch + (k - 1) * stride. */
  sidePx: number;
  /** Why this k: `--window-positions` or the planner's choice. */
  source: 'option' | 'auto';
}

export interface PackParams {
  /** `none` or `gzip` with a level 1–9. */
  compression: { codec: 'none' } | { codec: 'gzip'; level: number };
  /** Patches per HDF5 chunk of /patches. */
  chunkPatches: number;
}

export interface PlanShards {
  /** Patches per shard aimed at, and the balance achieved (largest / mean). */
  targetPatches: number;
  maxOverMean: number;
  /** Window plans: largest shard's bytes / mean. */
  bytesMaxOverMean?: number;
  list: Shard[];
}

export interface PlanError {
  code: ErrorCode | 'INTERNAL';
  message: string;
  hint?: string;
}

export interface PlanSlideInfo {
  format: SlideFormat;
  vendor: string;
  width: number;
  height: number;
  mpp: number | null;
  mppSource: MppSource;
  objectivePower: number | null;
  levels: Array<{ width: number; height: number; downsample: number; tileWidth: number; tileHeight: number; compression: Compression }>;
  /** The backend that read the slide at plan time; pack reads it through the same one. Absent (older plans): native. */
  backend?: SlideBackend;
}

export interface PlanTissue {
  sourceLevel: number;
  maskWidth: number;
  maskHeight: number;
  /** Level-0 pixels per mask pixel. */
  scaleX: number;
  scaleY: number;
  maskMpp: number;
  isMppAssumed: boolean;
  threshold: number;
  otsuThreshold: number;
  tissueFraction: number;
  tissueAreaMm2: number;
  inkFraction: number;
  regions: number;
}

export interface PlanGrid {
  /** Grid file (docs/FORMAT.md), relative to the run folder, and its SHA-256. */
  file: string;
  sha256: string;
  count: number;
  level: number;
  downsample: number;
  levelMpp: number | null;
  patchMpp: number | null;
  readSizePx: number;
  patchSizePx: number;
  stridePx: number;
  footprintLevel0: number;
  strideLevel0: number;
  cols: number;
  rows: number;
  isResampled: boolean;
  isUpsampled: boolean;
  /** Window plans: windows kept on this slide (derived from the grid file and k; see grid/windows.ts). */
  windows?: { count: number };
}

export interface PlanSlide {
  /** Stable id used in every file name: sanitized stem + 8 hex of the path's hash. */
  id: string;
  path: string;
  name: string;
  /** Input fingerprint: a rerun skips the slide when it and the parameters are unchanged. */
  sizeBytes: number;
  mtimeMs: number;
  status: 'planned' | 'failed';
  error?: PlanError;
  info?: PlanSlideInfo;
  tissue?: PlanTissue;
  grid?: PlanGrid;
  /** The slide's own stains (fitted on tissue pixels of the thumbnail) when stain normalization is on. */
  stain?: StainModel & { isFallback: boolean };
  /** User mask applied to this slide (absolute path), with its size and mtime for change detection. */
  userMask?: { path: string; sizeBytes: number; mtimeMs: number } | null;
  outputs?: { mask: string; qc: string; tissue: string; thumbnail: string };
  /** The extra columns of the `--slides-from` CSV row of this slide, in the list's column order. */
  metadata?: Record<string, string>;
}

export interface PlanTotals {
  slides: number;
  planned: number;
  failed: number;
  patches: number;
  shards: number;
  /** Bytes of patch (or window) pixels over all shards. */
  bytes: number;
  /** Window plans: windows over all shards. */
  windows?: number;
}

export interface PlanFile {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  tool: { name: 'wsi-hpc'; version: string };
  params: PlanParams;
  paramsHash: string;
  /** Hash of the parameters, every grid's checksum and the shards: what pack and infer must agree on. */
  planHash: string;
  slides: PlanSlide[];
  totals: PlanTotals;
  shards: PlanShards;
  /** Array tasks per stage: which task handles which shards. */
  tasks: { pack: TaskSpec[] };
  /** Set when slides came from `--slides-from`: the list file and its metadata columns (not slide/path). */
  slideList?: { file: string; columns: string[] };
}
