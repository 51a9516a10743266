// Encodes one RGB tile as a complete baseline JPEG stream with sharp, and names the TIFF
// YCbCrSubsampling that matches the chroma subsampling sharp was asked for.
import sharp from 'sharp';
import type { ChromaSubsampling } from './types.js';

export type JpegEncoder = (raw: Uint8Array) => Promise<Buffer>;

/** An encoder for `size` x `size` RGB tiles at `quality`. */
export function makeJpegEncoder(size: number, quality: number, chroma: ChromaSubsampling): JpegEncoder {
  return (raw) =>
    sharp(raw, { raw: { width: size, height: size, channels: 3 } })
      .jpeg({ quality, chromaSubsampling: chroma, optimiseCoding: true, progressive: false })
      .toBuffer();
}

/** The TIFF YCbCrSubsampling tag value for a JPEG chroma subsampling. */
export function ycbcrSubsampling(chroma: ChromaSubsampling): [number, number] {
  return chroma === '4:4:4' ? [1, 1] : [2, 2];
}
