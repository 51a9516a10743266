// Decodes one TIFF tile's compressed bytes into interleaved RGB (tileWidth*tileHeight*3).
// JPEG goes through sharp (libvips, with the stream fixes of jpeg-stream.ts); deflate/LZW/PackBits/none through
// geotiff's decoders, which also undo Predictor=2. Errors are plain (TileDataError for truncated or corrupt
// data: checked structurally, and libvips fails on any libjpeg warning); the caller adds file, level and tile.

import sharp from 'sharp';
import { getDecoder } from 'geotiff';
import { jpegTileProblem, TileDataError } from './jpeg-check.js';
import { buildJpegStream } from './jpeg-stream.js';
import type { TiffDirectory } from './types.js';

/** Decodes one tile's bytes to RGB of exactly tileWidth*tileHeight*3 bytes. */
export type TileDecoder = (bytes: Uint8Array) => Promise<Uint8Array>;

/** Decode one (possibly abbreviated) JPEG tile to RGB; Photometric=2 means the components are stored as RGB. */
export async function decodeJpegTile(
  bytes: Uint8Array,
  tables: Uint8Array | null,
  photometric: number,
): Promise<{ width: number; height: number; data: Uint8Array }> {
  const problem = jpegTileProblem(bytes);
  if (problem !== null) throw new TileDataError(`damaged JPEG data: ${problem}`);
  const stream = buildJpegStream(bytes, tables, photometric === 2);
  // 'warning': libjpeg recovers from corrupt data (bad Huffman codes, missing markers) with a warning and
  // grey pixels; a tile decoded that way must fail, not be packed as flat grey.
  const { data, info } = await sharp(stream, { failOn: 'warning' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: Error) => {
      throw /corrupt|premature end|huffman|bogus|invalid/i.test(err.message) ? new TileDataError(`damaged JPEG data: ${err.message}`) : err;
    });
  if (info.channels !== 3) throw new Error(`JPEG decoded to ${info.channels} channels, expected 3`);
  return { width: info.width, height: info.height, data };
}

// Tiles are always stored at full tile size; a smaller decoded image is copied in and padded white.
function fitToTile(src: Uint8Array, srcWidth: number, srcHeight: number, tileWidth: number, tileHeight: number): Uint8Array {
  if (srcWidth === tileWidth && srcHeight === tileHeight) return src;
  const out = new Uint8Array(tileWidth * tileHeight * 3).fill(255);
  const rowBytes = Math.min(srcWidth, tileWidth) * 3;
  for (let y = 0; y < Math.min(srcHeight, tileHeight); y++) {
    out.set(src.subarray(y * srcWidth * 3, y * srcWidth * 3 + rowBytes), y * tileWidth * 3);
  }
  return out;
}

// Drop the 4th sample (alpha or extra) of interleaved 4-sample pixels.
function dropFourthSample(src: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    out[i * 3] = src[j];
    out[i * 3 + 1] = src[j + 1];
    out[i * 3 + 2] = src[j + 2];
  }
  return out;
}

/** A decoder for the tiles of `dir`, whose layout and compression have been validated. */
export async function createTileDecoder(dir: TiffDirectory): Promise<TileDecoder> {
  const { tileWidth, tileHeight, samplesPerPixel } = dir;
  if (dir.compressionCode === 7) {
    return async (bytes) => {
      const decoded = await decodeJpegTile(bytes, dir.jpegTables, dir.photometric);
      return fitToTile(decoded.data, decoded.width, decoded.height, tileWidth, tileHeight);
    };
  }
  const decoder = await getDecoder(dir.compressionCode, {
    tileWidth,
    tileHeight,
    predictor: dir.predictor,
    bitsPerSample: dir.bitsPerSample,
    planarConfiguration: dir.planarConfiguration,
    samplesPerPixel,
  });
  const pixels = tileWidth * tileHeight;
  return async (bytes) => {
    const input = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const samples = new Uint8Array(await decoder.decode(input));
    if (samples.length < pixels * samplesPerPixel) {
      throw new Error(`decoded ${samples.length} bytes, expected ${pixels * samplesPerPixel}`);
    }
    return samplesPerPixel === 4 ? dropFourthSample(samples, pixels) : samples.subarray(0, pixels * 3);
  };
}
