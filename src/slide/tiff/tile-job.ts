// Messages between the tile-decode pool (main thread) and its workers: a job decodes some JPEG tiles of
// one TIFF level into a shared band buffer; the reply names the first tile that failed.

export interface TileJobTile {
  /** Tile index in the level (row-major), for error messages. */
  index: number;
  /** File offset and byte count of the tile (0 = sparse: background). */
  offset: number;
  count: number;
  /** Byte offset in the band buffer of the tile's top-left pixel, and bytes per row there. */
  dst: number;
  pitch: number;
}

export interface TileJob {
  id: number;
  file: string;
  /** JPEGTables of the level (abbreviated stream), or null. */
  tables: Uint8Array | null;
  /** Photometric=2: components stored as RGB (Aperio), not YCbCr. */
  isRgb: boolean;
  tileWidth: number;
  tileHeight: number;
  /** The band buffer is `byteLength` bytes at `byteOffset` of `buffer` (tiles never write outside it). */
  buffer: SharedArrayBuffer;
  byteOffset: number;
  byteLength: number;
  tiles: TileJobTile[];
}

/** A tile that could not be decoded (the others of the job still were). */
export interface TileFailure {
  tile: number;
  message: string;
  /** Damaged bytes (TILE_CORRUPT), as opposed to an unsupported stream or a failed read. */
  isDataError: boolean;
}

export interface TileJobReply {
  id: number;
  failures: TileFailure[];
  /** The job as a whole failed (e.g. the file could not be opened). */
  error?: string;
}
