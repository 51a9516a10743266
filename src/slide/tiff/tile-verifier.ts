// Checks the JPEG tiles of one level before libvips' tiffload decodes them: libtiff turns a truncated or
// corrupt tile into flat grey without an error whatever sharp's `failOn` says, so the pack stage's band
// reader asks this for every tile it decodes and fails with the slide file and the tile instead.
import { SlideError } from '../../errors.js';
import { jpegTileProblem, TILE_CORRUPT_HINT } from './jpeg-check.js';
import { readTiffStructure } from './tiff-structure.js';
import type { TiffDirectory, TiffFile } from './types.js';

export class JpegTileVerifier {
  private readonly checked = new Set<number>();

  private constructor(
    private readonly file: TiffFile,
    private readonly dir: TiffDirectory,
    private readonly level: number,
  ) {}

  /** A verifier for `level` (IFD `ifd`) of `path`, or null when that IFD is not JPEG-tiled (nothing to check). */
  static async open(path: string, level: number, ifd: number): Promise<JpegTileVerifier | null> {
    const file = await readTiffStructure(path);
    const dir = file.directories.find((d) => d.index === ifd);
    if (!dir?.isTiled || dir.compressionCode !== 7) {
      await file.handle.close();
      return null;
    }
    return new JpegTileVerifier(file, dir, level);
  }

  /** Throws TILE_CORRUPT (naming the file and the tile) unless tiles [col0, col1] of tile row `row` are whole JPEG streams. */
  async check(row: number, col0: number, col1: number): Promise<void> {
    const columns = Math.ceil(this.dir.width / this.dir.tileWidth);
    const jobs: Promise<void>[] = [];
    for (let column = Math.max(0, col0); column <= Math.min(col1, columns - 1); column++) {
      const index = row * columns + column;
      if (!this.checked.has(index)) jobs.push(this.checkTile(index, column, row));
    }
    await Promise.all(jobs);
  }

  close(): Promise<void> {
    return this.file.handle.close();
  }

  private async checkTile(index: number, column: number, row: number): Promise<void> {
    const offset = this.dir.tileOffsets[index];
    const length = this.dir.tileByteCounts[index];
    // Sparse tiles (offset or byte count 0) are unwritten background.
    if (offset === 0 || length === 0) return;
    const where = `level ${this.level} (IFD ${this.dir.index}) tile ${index} at column ${column}, row ${row} (offset ${offset}, ${length} bytes)`;
    const bytes = new Uint8Array(length);
    const { bytesRead } = await this.file.handle.read(bytes, 0, length, offset);
    const problem = bytesRead < length ? `only ${bytesRead} of ${length} bytes are in the file (truncated)` : jpegTileProblem(bytes);
    if (problem !== null) {
      throw new SlideError('TILE_CORRUPT', this.file.path, `${where}: damaged JPEG data: ${problem}`, { hint: TILE_CORRUPT_HINT });
    }
    this.checked.add(index);
  }
}
