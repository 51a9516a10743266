// Checks the JPEG tiles of one level before libvips' tiffload decodes them: libtiff turns a truncated or
// corrupt tile into flat grey without an error whatever sharp's `failOn` says, so the pack stage's band
// reader asks this for every tile it decodes and fails with the slide file and the tile instead.
import { SlideError } from '../../errors.js';
import { jpegTileProblem, TILE_CORRUPT_HINT } from './jpeg-check.js';
import { readTiffStructure } from './tiff-structure.js';
import { ifdName, type TiffDirectory, type TiffFile } from './types.js';

export class JpegTileVerifier {
  private readonly checked = new Set<number>();

  private constructor(
    private readonly file: TiffFile,
    private readonly dir: TiffDirectory,
    private readonly level: number,
  ) {}

  /** A verifier for `level` (IFD `ifd`, or its SubIFD `subIfd`) of `path`, or null when that IFD is not JPEG-tiled (nothing to check). */
  static async open(path: string, level: number, ifd: number, subIfd?: number): Promise<JpegTileVerifier | null> {
    const file = await readTiffStructure(path);
    const top = file.directories.find((d) => d.index === ifd);
    const dir = subIfd === undefined ? top : top?.subIfds?.find((d) => d.subIfd === subIfd);
    if (!dir?.isTiled || dir.compressionCode !== 7) {
      await file.handle.close();
      return null;
    }
    return new JpegTileVerifier(file, dir, level);
  }

  /** Throws TILE_CORRUPT (naming the file and the tile) unless tiles [col0, col1] of tile row `row` are whole JPEG streams. */
  async check(row: number, col0: number, col1: number): Promise<void> {
    const { tileOffsets, tileByteCounts } = this.dir;
    const columns = Math.ceil(this.dir.width / this.dir.tileWidth);
    const todo: Array<{ index: number; column: number }> = [];
    for (let column = Math.max(0, col0); column <= Math.min(col1, columns - 1); column++) {
      const index = row * columns + column;
      // Sparse tiles (offset or byte count 0) are unwritten background.
      if (!this.checked.has(index) && tileOffsets[index] !== 0 && tileByteCounts[index] !== 0) todo.push({ index, column });
    }
    if (todo.length === 0) return;
    // The tiles of a row usually lie one after the other: read them in one go when they do.
    const start = Math.min(...todo.map((t) => tileOffsets[t.index]));
    const end = Math.max(...todo.map((t) => tileOffsets[t.index] + tileByteCounts[t.index]));
    const sum = todo.reduce((n, t) => n + tileByteCounts[t.index], 0);
    if (end - start > 2 * sum + 65536) {
      await Promise.all(todo.map((t) => this.readAndCheck([t], tileOffsets[t.index], tileByteCounts[t.index], row)));
    } else {
      await this.readAndCheck(todo, start, end - start, row);
    }
  }

  private async readAndCheck(tiles: Array<{ index: number; column: number }>, start: number, length: number, row: number): Promise<void> {
    const span = new Uint8Array(length);
    const { bytesRead } = await this.file.handle.read(span, 0, length, start);
    for (const { index, column } of tiles) {
      const offset = this.dir.tileOffsets[index];
      const count = this.dir.tileByteCounts[index];
      const available = Math.max(0, Math.min(count, bytesRead - (offset - start)));
      const problem =
        available < count
          ? `only ${available} of ${count} bytes are in the file (truncated)`
          : jpegTileProblem(span.subarray(offset - start, offset - start + count));
      if (problem !== null) {
        const where = `level ${this.level} (${ifdName(this.dir)}) tile ${index} at column ${column}, row ${row} (offset ${offset}, ${count} bytes)`;
        throw new SlideError('TILE_CORRUPT', this.file.path, `${where}: damaged JPEG data: ${problem}`, { hint: TILE_CORRUPT_HINT });
      }
      this.checked.add(index);
    }
  }

  close(): Promise<void> {
    return this.file.handle.close();
  }
}
