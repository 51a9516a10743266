// Picks the pyramid from a file's IFDs: tiled, not a transparency mask, each level smaller in both
// dimensions than the one before, largest first; a full-resolution IFD's SubIFDs (OME-TIFF, `vips tiffsave
// --subifd`) are its levels when it has tiled ones. Refuses files without one (stripped-only, empty).

import { SlideError } from '../../errors.js';
import type { TiffDirectory, TiffFile } from './types.js';

/** NewSubfileType bit 2: the IFD is a transparency mask, never a pyramid level. */
const MASK_BIT = 4;

export const TILE_HINT =
  'Convert it to a tiled pyramid: `vips tiffsave in.tif out.tif --tile --pyramid --compression jpeg --Q 90 --bigtiff`.';

// Tiled images largest first, each smaller in both dimensions than the one before; others are dropped.
function decreasingTiled(dirs: TiffDirectory[]): TiffDirectory[] {
  const candidates = dirs
    .filter((d) => d.isTiled && (d.newSubfileType & MASK_BIT) === 0 && d.width > 0 && d.height > 0)
    .sort((a, b) => b.width - a.width || b.height - a.height);
  const levels: TiffDirectory[] = [];
  for (const dir of candidates) {
    const previous = levels[levels.length - 1];
    if (previous === undefined || (dir.width < previous.width && dir.height < previous.height)) levels.push(dir);
  }
  return levels;
}

/** The pyramid levels among `file.directories` (or the largest one's SubIFDs), largest first; throws UNSUPPORTED_LAYOUT when there are none. */
export function selectPyramid(file: TiffFile): TiffDirectory[] {
  const levels = decreasingTiled(file.directories);
  const [base] = levels;
  // OME-TIFF keeps levels 1..n in the SubIFDs of the full-resolution IFD; other top-level IFDs are other planes or images.
  const reduced =
    base === undefined ? [] : decreasingTiled(base.subIfds ?? []).filter((d) => d.width < base.width && d.height < base.height);
  if (reduced.length > 0) return [base, ...reduced];
  if (levels.length > 0) return levels;
  const stripped = file.directories.filter((d) => !d.isTiled);
  if (stripped.length > 0) {
    const largest = stripped.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    throw new SlideError(
      'UNSUPPORTED_LAYOUT',
      file.path,
      `no tiled image: the ${largest.width}x${largest.height} image (IFD ${largest.index}) is stored in strips, which cannot be read region by region`,
      { hint: TILE_HINT },
    );
  }
  throw new SlideError('UNSUPPORTED_LAYOUT', file.path, 'no tiled pyramid levels found', { hint: TILE_HINT });
}
