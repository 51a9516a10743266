// Writes the extra images of an SVS (thumbnail, label, macro) as stripped, uncompressed RGB, and
// collects a level's tiles into one in-memory overview image to make them from.
import type { TiffWriter } from './tiff-writer.js';
import type { BlockRef } from './tiff-writer.js';
import type { RgbPixels } from './associated-images.js';

const STRIP_BYTES = 64 * 1024;

/** Rows per strip for an uncompressed RGB image of `width`: about 64 KiB a strip. */
export function rowsPerStrip(width: number): number {
  return Math.max(1, Math.floor(STRIP_BYTES / (width * 3)));
}

/** Append `image` strip by strip and return the strips' locations. */
export async function writeStrips(writer: TiffWriter, image: RgbPixels): Promise<BlockRef[]> {
  const rows = rowsPerStrip(image.width);
  const blocks: BlockRef[] = [];
  for (let y = 0; y < image.height; y += rows) {
    const end = Math.min(image.height, y + rows);
    blocks.push(await writer.writeBlock(image.data.subarray(y * image.width * 3, end * image.width * 3)));
  }
  return blocks;
}

/** A blank level-sized canvas and the tile callback that fills it (tiles clipped at the edges). */
export function overviewCanvas(
  width: number,
  height: number,
  tileSize: number,
): { image: RgbPixels; onTile: (col: number, row: number, rgb: Uint8Array) => void } {
  const image: RgbPixels = { width, height, data: new Uint8Array(width * height * 3) };
  const onTile = (col: number, row: number, rgb: Uint8Array) => {
    const x0 = col * tileSize;
    const y0 = row * tileSize;
    const w = Math.min(tileSize, width - x0);
    for (let y = 0; y < Math.min(tileSize, height - y0); y++) {
      image.data.set(rgb.subarray(y * tileSize * 3, (y * tileSize + w) * 3), ((y0 + y) * width + x0) * 3);
    }
  };
  return { image, onTile };
}
