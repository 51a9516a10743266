// Reader for Aperio SVS: ImageDescription starts with "Aperio"; levels are the tiled IFDs, the stripped
// thumbnail/label/macro are associated images; MPP and AppMag come from the description.

import type { AssociatedImageInfo, OpenSlideConfig, SlideInfo } from '../types.js';
import { isAperioDescription, parseAperioDescription } from '../tiff/aperio-description.js';
import { resolveMpp } from '../tiff/mpp.js';
import { selectPyramid } from '../tiff/select-pyramid.js';
import { buildTiffLevels, type TiffLevelSource } from '../tiff/tiff-levels.js';
import { TiffSlideReader } from '../tiff/tiff-slide-reader.js';
import type { TiffDirectory, TiffFile } from '../tiff/types.js';

// As OpenSlide: the stripped IFD 1 is the thumbnail, others are named by the first word of their 2nd description line.
function associatedName(dir: TiffDirectory): string {
  if (dir.index === 1) return 'thumbnail';
  const line = dir.description.split(/\r?\n/)[1] ?? '';
  return line.trim().split(/\s+/)[0] || `ifd-${dir.index}`;
}

export class AperioSvsReader extends TiffSlideReader {
  private constructor(file: TiffFile, info: SlideInfo, sources: TiffLevelSource[], cacheBytes: number) {
    super(file, info, sources, cacheBytes);
  }

  /** True when the first IFD's ImageDescription is Aperio's. */
  static canOpen(file: TiffFile): boolean {
    return isAperioDescription(file.directories[0]?.description ?? '');
  }

  static async open(file: TiffFile, config: OpenSlideConfig): Promise<AperioSvsReader> {
    const [first] = file.directories;
    const { levels, sources } = await buildTiffLevels(file, selectPyramid(file));
    const { properties, mpp, appMag } = parseAperioDescription(first.description);
    const associated: AssociatedImageInfo[] = file.directories
      .filter((d) => !d.isTiled && d.index > 0)
      .map((d) => ({ name: associatedName(d), width: d.width, height: d.height, ifd: d.index }));
    const info: SlideInfo = {
      path: file.path,
      format: 'aperio-svs',
      vendor: 'aperio',
      isBigTiff: file.isBigTiff,
      levels,
      ...resolveMpp(config, mpp, 'aperio', first),
      objectivePower: appMag,
      associated,
      description: first.description,
      properties,
    };
    return new AperioSvsReader(file, info, sources, config.cacheBytes);
  }
}
