// The shard layout, version 1 (docs/FORMAT.md): dataset and attribute names, the filters we
// write, and the filters h5wasm can decode (anything else is refused on read).

export const SHARD_LAYOUT_VERSION = 1;
/** Window shards (plans with a window layout) carry layout version 2 and `layout = "windows"`. */
export const WINDOW_LAYOUT_VERSION = 2;

export const DATASETS = Object.freeze({
  patches: 'patches',
  coords: 'coords',
  slideIndex: 'slide_index',
  gridIndex: 'grid_index',
  slideIds: 'slides/id',
  slideNames: 'slides/name',
  slideLevels: 'slides/level',
  slideDownsamples: 'slides/downsample',
  slideMpps: 'slides/mpp',
  slideReadSizes: 'slides/read_size',
  windows: 'windows',
  windowCoords: 'window_coords',
  windowMask: 'window_mask',
  windowSlideIndex: 'window_slide_index',
  windowIndex: 'window_index',
  windowOffset: 'window_offset',
});

/** HDF5 filter ids h5wasm decodes: deflate (gzip), shuffle, fletcher32. LZF (32000) reads as zeros. */
export const READABLE_FILTERS: ReadonlyMap<number, string> = new Map([
  [1, 'deflate'],
  [2, 'shuffle'],
  [3, 'fletcher32'],
]);

export type ShardCompression = { codec: 'none' } | { codec: 'gzip'; level: number };

export interface ShardSlideMeta {
  id: string;
  name: string;
  level: number;
  downsample: number;
  /** Effective µm/px of the stored patches, NaN when unknown. */
  mpp: number;
  readSizePx: number;
}

export interface ShardMeta {
  shardId: string;
  planHash: string;
  patchSizePx: number;
  stridePx: number;
  slides: ShardSlideMeta[];
}

/** What a window shard stores besides the per-position datasets (docs/FORMAT.md). */
export interface WindowShardMeta {
  /** k and the window side W (pixels at the patch resolution). */
  positions: number;
  sidePx: number;
  /** Level-0 top-left of each window (2M values), its slide (M) and kept-position mask (M * k * k, 0/1). */
  coords: Int32Array;
  slideIndex: Int32Array;
  mask: Uint8Array;
  /** Per kept position: its window (P) and its patch's top-left inside the window, (x, y) pixels (2P). */
  positionWindow: Int32Array;
  positionOffset: Int32Array;
}
