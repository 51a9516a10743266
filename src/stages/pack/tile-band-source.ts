// Decodes bands of a JPEG-tiled TIFF level with the TurboJPEG worker pool: all bands of a tile row share one
// buffer and one job, each tile decoded in place (whole tiles, so a band spans tile edges), white outside the
// level; row buffers are reused once all their bands are dropped, so steady-state packing allocates little.
import { SlideError } from '../../errors.js';
import { TILE_CORRUPT_HINT } from '../../slide/tiff/jpeg-check.js';
import { TileDecodeError, type TileDecodePool } from '../../slide/tiff/tile-decode-pool.js';
import type { TileJobTile } from '../../slide/tiff/tile-job.js';
import { ifdName, type TiffDirectory } from '../../slide/tiff/types.js';
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

/** Most bytes of released band buffers kept for reuse. */
const FREE_BYTES = 512 * 2 ** 20;

export class TileBandSource implements BandSource {
  readonly isTileAligned = true;
  readonly decoder = 'turbojpeg';
  /** Released buffers by size, at most FREE_BYTES in all. */
  private readonly free = new Map<number, SharedArrayBuffer[]>();
  private freeBytes = 0;
  /** Bands of each row buffer not yet released (a failed band never is: its buffer goes to the GC). */
  private readonly users = new WeakMap<SharedArrayBuffer, number>();

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
   * All bands of tile row t in one shared buffer and one job for the workers (a band per x-interval);
   * a band fails only if one of its own tiles did.
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
    const slab = this.buffer(total);
    const sab = slab.buffer as SharedArrayBuffer;
    this.users.set(sab, bands.length);
    const tiles: TileJobTile[] = [];
    for (const { x0, x1, pitch, offset } of bands) {
      for (let x = x0; x < x1; x += tw) {
        const at = offset + (x - x0) * 3;
        const column = x / tw;
        if (column < 0 || column >= columns) {
          for (let r = 0; r < th; r++) slab.fill(255, at + r * pitch, at + r * pitch + tw * 3);
          continue;
        }
        const index = t * columns + column;
        tiles.push({ index, offset: this.dir.tileOffsets[index], count: this.dir.tileByteCounts[index], dst: at, pitch });
      }
    }
    const job = this.pool
      .decode({
        file: this.file,
        tables: this.dir.jpegTables,
        isRgb: this.dir.photometric === 2,
        tileWidth: tw,
        tileHeight: th,
        buffer: sab,
        tiles,
      })
      .catch((err: Error) => {
        throw this.error(err, t, columns);
      });
    return bands.map(({ x0, x1, pitch, offset }) =>
      job.then((failures) => {
        const own = failures.find((f) => (f.tile % columns) * tw >= x0 && (f.tile % columns) * tw < x1);
        if (own) throw this.error(own, t, columns);
        const band = new Uint8Array(sab, offset, pitch * th);
        // The last tile column reaches past the level: those pixels are white, not the tile's padding.
        if (x1 > width) for (let r = 0; r < th; r++) band.fill(255, r * pitch + (Math.max(width, x0) - x0) * 3, (r + 1) * pitch);
        return band;
      }),
    );
  }

  release(data: Uint8Array): void {
    const sab = data.buffer as SharedArrayBuffer;
    // A row's buffer is free once every band cut from it is.
    const left = (this.users.get(sab) ?? 1) - 1;
    this.users.set(sab, left);
    if (left > 0) return;
    if (this.freeBytes + sab.byteLength > FREE_BYTES) return;
    const list = this.free.get(sab.byteLength) ?? [];
    list.push(sab);
    this.free.set(sab.byteLength, list);
    this.freeBytes += sab.byteLength;
  }

  // Buffers come in power-of-two sizes so bands of other widths reuse them: a fresh buffer costs a page
  // fault per 4 KiB page and zeroing, which made decoding half again as costly (bench/RESULTS.md).
  private buffer(bytes: number): Uint8Array {
    const size = 2 ** Math.ceil(Math.log2(Math.max(bytes, 2 ** 20)));
    // The smallest free buffer that is large enough (bands of a slide vary in width from row to row).
    let fit = 0;
    for (const [s, list] of this.free) if (s >= size && list.length > 0 && (fit === 0 || s < fit)) fit = s;
    const reused = fit > 0 ? this.free.get(fit)?.pop() : undefined;
    if (reused) this.freeBytes -= reused.byteLength;
    return new Uint8Array(reused ?? new SharedArrayBuffer(size), 0, bytes);
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
