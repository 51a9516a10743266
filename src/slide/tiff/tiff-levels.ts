// Turns the IFDs a reader picked as pyramid levels into LevelInfo plus a tile decoder each, after checking
// codec, pixel layout and that every tile lies inside the file. Which IFDs are levels is the reader's call.

import { SlideError } from '../../errors.js';
import type { LevelInfo } from '../types.js';
import { resolveCompression } from './compression.js';
import { createTileDecoder, type TileDecoder } from './decode-tile.js';
import { validateTileLayout } from './tile-layout.js';
import { ifdName, type TiffDirectory, type TiffFile } from './types.js';

/** One level as the tile reader needs it. */
export interface TiffLevelSource {
  dir: TiffDirectory;
  /** Tiles per row. */
  columns: number;
  decode: TileDecoder;
}

// A tile whose bytes end past the end of the file means the file was cut short.
function validateTileExtents(dir: TiffDirectory, file: TiffFile): void {
  for (let i = 0; i < dir.tileOffsets.length; i++) {
    const end = dir.tileOffsets[i] + (dir.tileByteCounts[i] ?? 0);
    if (end > file.fileSize) {
      throw new SlideError(
        'SLIDE_TRUNCATED',
        file.path,
        `${ifdName(dir)} tile ${i} ends at byte ${end}, beyond the end of the file (${file.fileSize} bytes); the file is truncated`,
      );
    }
  }
}

/** Levels in the order given (largest first); downsample is OpenSlide's mean of the x and y ratios. */
export async function buildTiffLevels(file: TiffFile, dirs: TiffDirectory[]): Promise<{ levels: LevelInfo[]; sources: TiffLevelSource[] }> {
  const [base] = dirs;
  const levels: LevelInfo[] = [];
  const sources: TiffLevelSource[] = [];
  for (const [index, dir] of dirs.entries()) {
    const compression = resolveCompression(dir.compressionCode, file.path, ifdName(dir));
    validateTileLayout(dir, file.path);
    validateTileExtents(dir, file);
    levels.push({
      index,
      width: dir.width,
      height: dir.height,
      downsample: (base.width / dir.width + base.height / dir.height) / 2,
      tileWidth: dir.tileWidth,
      tileHeight: dir.tileHeight,
      compression,
      ifd: dir.index,
      ...(dir.subIfd === undefined ? {} : { subIfd: dir.subIfd }),
    });
    sources.push({ dir, columns: Math.ceil(dir.width / dir.tileWidth), decode: await createTileDecoder(dir) });
  }
  return { levels, sources };
}
