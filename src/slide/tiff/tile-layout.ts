// Checks that a tiled IFD's pixel layout is one we decode: chunky 8-bit RGB(A) or JPEG YCbCr/RGB.
// Compression support is checked separately in compression.ts.

import { SlideError } from '../../errors.js';
import { ifdName, type TiffDirectory } from './types.js';

const LAYOUT_HINT = 'Convert to 8-bit RGB tiled TIFF, e.g. `vips tiffsave in.tif out.tif --tile --pyramid --compression jpeg`.';

/** Throw UNSUPPORTED_LAYOUT unless `dir` is chunky, 8-bit, 3 or 4 samples, RGB (or YCbCr inside JPEG). */
export function validateTileLayout(dir: TiffDirectory, path: string): void {
  const problems: string[] = [];
  if (dir.planarConfiguration !== 1) problems.push(`PlanarConfiguration ${dir.planarConfiguration} (only 1, interleaved, is supported)`);
  if (dir.samplesPerPixel !== 3 && dir.samplesPerPixel !== 4) problems.push(`SamplesPerPixel ${dir.samplesPerPixel} (3 or 4 expected)`);
  if (dir.bitsPerSample.some((b) => b !== 8)) problems.push(`BitsPerSample ${dir.bitsPerSample.join(',')} (only 8-bit is supported)`);
  const isJpeg = dir.compressionCode === 7;
  if (dir.photometric !== 2 && !(isJpeg && dir.photometric === 6)) {
    problems.push(`PhotometricInterpretation ${dir.photometric} (RGB, or YCbCr inside JPEG, expected)`);
  }
  if (dir.tileWidth <= 0 || dir.tileHeight <= 0) problems.push(`tile size ${dir.tileWidth}x${dir.tileHeight}`);
  const tileCount = Math.ceil(dir.width / dir.tileWidth) * Math.ceil(dir.height / dir.tileHeight);
  if (dir.tileOffsets.length < tileCount || dir.tileByteCounts.length < tileCount) {
    problems.push(`${dir.tileOffsets.length} tile offsets / ${dir.tileByteCounts.length} byte counts for ${tileCount} tiles`);
  }
  if (problems.length > 0) {
    throw new SlideError('UNSUPPORTED_LAYOUT', path, `${ifdName(dir)} has an unsupported layout: ${problems.join('; ')}`, {
      hint: LAYOUT_HINT,
    });
  }
}
