// The shard layout, version 1 (docs/FORMAT.md): dataset and attribute names, the filters we
// write, and the filters h5wasm can decode (anything else is refused on read).

export const SHARD_LAYOUT_VERSION = 1;

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
