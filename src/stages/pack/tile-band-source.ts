// Decodes bands of a JPEG-tiled TIFF level with the TurboJPEG worker pool: all bands of a tile row share one
// buffer and one job, each tile decoded in place (whole tiles, so a band spans tile edges), white outside the
// level; row buffers come from the shared arena and go back once all their bands are released.
import { SlideError } from '../../errors.js';
import { TILE_CORRUPT_HINT } from '../../slide/tiff/jpeg-check.js';
import { TileDecodeError, type TileDecodePool } from '../../slide/tiff/tile-decode-pool.js';
import type { TileJobTile } from '../../slide/tiff/tile-job.js';
import { ifdName, type TiffDirectory } from '../../slide/tiff/types.js';
import { allocShared, releaseShared } from '../../util/shared-arena.js';
import type { BandSource } from './band-reader.js';

/** Whether `dir` is a level the TurboJPEG workers decode: tiled 8-bit JPEG, 3 interleaved samples, YCbCr or RGB. */
export function isTurboJpegLevel(dir: TiffDirectory): boolean {
  return (
    dir.isTiled &&
    dir.compressionCode === 7 &&
    dir.samplesPerPixel === 3 &&
    dir.bitsPerSample.every((b) => b === 8) &&
    dir.planarConfiguration === 1 &&
    (dir.photometric === 2 || dir.photometric === 6)
  );
}

/** A tile row's buffer and how many of its bands are still in use. */
interface Slab {
  data: Uint8Array;
  users: number;
}

export class TileBandSource implements BandSource {
  readonly isTileAligned = true;
  readonly decoder = 'turbojpeg';
  /** The slab each band handed out was cut from. */
  private readonly slabs = new WeakMap<Uint8Array, Slab>();

  constructor(
    private readonly pool: TileDecodePool,
    private readonly file: string,
    private readonly dir: TiffDirectory,
    /** Pyramid level, for error messages. */
    private readonly level: number,
  ) {}

  decode(t: number, x0: number, x1: number): Promise<Uint8Array> {
    return this.decodeRow(t, [[x0, x1]])[0];
  }

  /**
   * All bands of tile row t in one shared buffer (from the shared arena, reused once every band of it is
   * released) and one job for the workers (a band per x-interval); a band fails only if one of its own tiles did.
   */
  decodeRow(t: number, intervals: Array<[number, number]>): Array<Promise<Uint8Array>> {
    const { tileWidth: tw, tileHeight: th, width } = this.dir;
    const columns = Math.ceil(width / tw);
    const bands = intervals.map(([x0, x1]) => ({ x0, x1, pitch: (x1 - x0) * 3, offset: 0 }));
    let total = 0;
    for (const b of bands) {
      b.offset = total;
      total += b.pitch * th;
    }
    const slab: Slab = { data: allocShared(total), users: bands.length };
    const data = slab.data;
    const tiles: TileJobTile[] = [];
    for (const { x0, x1, pitch, offset } of bands) {
      for (let x = x0; x < x1; x += tw) {
        const at = offset + (x - x0) * 3;
        const column = x / tw;
        if (column < 0 || column >= columns) {
          for (let r = 0; r < th; r++) data.fill(255, at + r * pitch, at + r * pitch + tw * 3);
          continue;
        }
        const index = t * columns + column;
        tiles.push({ index, offset: this.dir.tileOffsets[index], count: this.dir.tileByteCounts[index], dst: at, pitch });
      }
    }
    // A job that fails as a whole (a worker died) may leave tiles still being written: its slab is never reused.
    const job = this.pool
      .decode({
        file: this.file,
        tables: this.dir.jpegTables,
        isRgb: this.dir.photometric === 2,
        tileWidth: tw,
        tileHeight: th,
        buffer: data.buffer as SharedArrayBuffer,
        byteOffset: data.byteOffset,
        byteLength: data.length,
        tiles,
      })
      .catch((err: Error) => {
        throw this.error(err, t, columns);
      });
    return bands.map(({ x0, x1, pitch, offset }) =>
      job.then((failures) => {
        const own = failures.find((f) => (f.tile % columns) * tw >= x0 && (f.tile % columns) * tw < x1);
        if (own) {
          // Every tile of the job is done: the failed band's part of the slab is free to reuse.
          this.unuse(slab);
          throw this.error(own, t, columns);
        }
        const band = data.subarray(offset, offset + pitch * th);
        // The last tile column reaches past the level: those pixels are white, not the tile's padding.
        if (x1 > width) for (let r = 0; r < th; r++) band.fill(255, r * pitch + (Math.max(width, x0) - x0) * 3, (r + 1) * pitch);
        this.slabs.set(band, slab);
        return band;
      }),
    );
  }

  release(band: Uint8Array): void {
    const slab = this.slabs.get(band);
    if (!slab) return;
    this.slabs.delete(band);
    this.unuse(slab);
  }

  // A row's buffer goes back to the arena once every band cut from it is released.
  private unuse(slab: Slab): void {
    slab.users--;
    if (slab.users === 0) releaseShared(slab.data);
  }

  private error(err: Error, row: number, columns: number): SlideError {
    const where = `level ${this.level} (${ifdName(this.dir)})`;
    if (!(err instanceof TileDecodeError) || err.tile < 0) {
      return new SlideError('SLIDE_UNREADABLE', this.file, `${where}: could not decode tile row ${row}: ${err.message}`, { cause: err });
    }
    const i = err.tile;
    const tile = `${where} tile ${i} at column ${i % columns}, row ${row} (offset ${this.dir.tileOffsets[i]}, ${this.dir.tileByteCounts[i]} bytes)`;
    return err.isDataError
      ? new SlideError('TILE_CORRUPT', this.file, `${tile}: ${err.message}`, { hint: TILE_CORRUPT_HINT })
      : new SlideError('SLIDE_UNREADABLE', this.file, `${tile}: ${err.message}`, { cause: err });
  }
}
