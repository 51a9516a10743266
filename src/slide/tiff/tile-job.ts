// Messages between the tile-decode pool (main thread) and its workers: a job decodes some JPEG tiles of
// one TIFF level into a shared band buffer; the reply names the first tile that failed.

export interface TileJobTile {
  /** Tile index in the level (row-major), for error messages. */
  index: number;
  /** File offset and byte count of the tile (0 = sparse: background). */
  offset: number;
  count: number;
  /** Byte offset in the band buffer of the tile's top-left pixel. */
  dst: number;
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
  /** Bytes per band row. */
  pitch: number;
  buffer: SharedArrayBuffer;
  tiles: TileJobTile[];
}

export interface TileJobReply {
  id: number;
  error?: { message: string; isDataError: boolean; tile: number };
}
