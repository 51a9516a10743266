// Reader for generic tiled pyramidal TIFF (libvips `tiffsave --tile --pyramid`, CAMELYON16, BigTIFF):
// levels are the tiled full-image IFDs in decreasing size, or IFD 0 and its SubIFDs (OME-TIFF); MPP comes from
// OME-XML PhysicalSizeX/Y when the description is OME, else the TIFF resolution tags.

import { SlideError } from '../../errors.js';
import type { OpenSlideConfig, SlideInfo } from '../types.js';
import { detectVendorTiff } from '../tiff/vendor-tiff.js';
import { resolveMpp } from '../tiff/mpp.js';
import { omeMpp } from '../tiff/ome-description.js';
import { selectPyramid } from '../tiff/select-pyramid.js';
import { buildTiffLevels, type TiffLevelSource } from '../tiff/tiff-levels.js';
import { TiffSlideReader } from '../tiff/tiff-slide-reader.js';
import type { TiffFile } from '../tiff/types.js';

export class GenericTiffReader extends TiffSlideReader {
  private constructor(file: TiffFile, info: SlideInfo, sources: TiffLevelSource[], cacheBytes: number) {
    super(file, info, sources, cacheBytes);
  }

  /** Any TIFF: this reader is the last resort, and open() says why a file has no usable pyramid. */
  static canOpen(_file: TiffFile): boolean {
    return true;
  }

  static async open(file: TiffFile, config: OpenSlideConfig): Promise<GenericTiffReader> {
    const vendor = detectVendorTiff(file);
    if (vendor) {
      throw new SlideError(
        'UNSUPPORTED_LAYOUT',
        file.path,
        `a ${vendor}: its levels and resolution are in vendor metadata the built-in reader does not read`,
        { hint: 'Read it through OpenSlide: --reader auto (the default) or --reader openslide, with OpenSlide installed' },
      );
    }
    const pyramid = selectPyramid(file);
    const { levels, sources } = await buildTiffLevels(file, pyramid);
    const [base] = pyramid;
    const info: SlideInfo = {
      path: file.path,
      format: 'generic-tiff',
      vendor: 'generic-tiff',
      isBigTiff: file.isBigTiff,
      levels,
      ...resolveMpp(config, omeMpp(file.directories[0]?.description ?? ''), 'ome', base),
      objectivePower: null,
      associated: [],
      description: file.directories[0]?.description ?? '',
      properties: {},
    };
    return new GenericTiffReader(file, info, sources, config.cacheBytes);
  }
}
