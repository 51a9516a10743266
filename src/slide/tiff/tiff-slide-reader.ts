// Shared reading machinery of the TIFF-based readers: tile bytes from our own FileHandle, decode, LRU cache,
// region assembly. Subclasses (readers/aperio-svs.ts, readers/generic-tiff.ts) only decide levels and metadata.

import { SlideError } from '../../errors.js';
import type { RgbImage, SlideInfo, SlideReader } from '../types.js';
import { validateRegion } from '../validate-region.js';
import { TILE_CORRUPT_HINT, TileDataError } from './jpeg-check.js';
import { readTiledRegion } from './read-region.js';
import { TileCache } from './tile-cache.js';
import type { TiffLevelSource } from './tiff-levels.js';
import { ifdName, type TiffFile } from './types.js';

export abstract class TiffSlideReader implements SlideReader {
  readonly info: SlideInfo;
  private readonly cache: TileCache;
  private isClosed = false;

  protected constructor(
    private readonly file: TiffFile,
    info: SlideInfo,
    private readonly sources: TiffLevelSource[],
    cacheBytes: number,
  ) {
    this.info = info;
    this.cache = new TileCache(cacheBytes);
  }

  /** Read a region in level coordinates; outside the level is white. Safe to call concurrently. */
  async readRegion(level: number, x: number, y: number, width: number, height: number): Promise<RgbImage> {
    if (this.isClosed) throw new SlideError('SLIDE_UNREADABLE', this.file.path, 'readRegion called after close()');
    validateRegion(this.info, level, x, y, width, height);
    const { dir } = this.sources[level];
    return readTiledRegion(dir, x, y, width, height, (column, row) => this.getTile(level, column, row));
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.cache.clear();
    await this.file.handle.close();
  }

  private getTile(level: number, column: number, row: number): Promise<Uint8Array | null> {
    const source = this.sources[level];
    const index = row * source.columns + column;
    // Sparse tiles (offset or byte count 0) are unwritten background.
    if (source.dir.tileByteCounts[index] === 0 || source.dir.tileOffsets[index] === 0) return Promise.resolve(null);
    return this.cache.get(`${level}:${index}`, () => this.loadTile(level, column, row, index));
  }

  private async loadTile(level: number, column: number, row: number, index: number): Promise<Uint8Array> {
    const { dir, decode } = this.sources[level];
    const offset = dir.tileOffsets[index];
    const length = dir.tileByteCounts[index];
    const where = `level ${level} (${ifdName(dir)}) tile ${index} at column ${column}, row ${row} (offset ${offset}, ${length} bytes)`;
    const bytes = new Uint8Array(length);
    const { bytesRead } = await this.file.handle.read(bytes, 0, length, offset);
    if (bytesRead < length) {
      throw new SlideError('SLIDE_TRUNCATED', this.file.path, `${where}: only ${bytesRead} bytes could be read; the file is truncated`);
    }
    try {
      return await decode(bytes);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new SlideError(
        err instanceof TileDataError ? 'TILE_CORRUPT' : 'SLIDE_UNREADABLE',
        this.file.path,
        `${where}: cannot decode ${this.info.levels[level].compression} tile: ${reason}`,
        { cause: err, ...(err instanceof TileDataError ? { hint: TILE_CORRUPT_HINT } : {}) },
      );
    }
  }
}
