// Internal data types of the TIFF machinery: one parsed directory (IFD or SubIFD) and an opened file.
// Not re-exported from src/slide/index.ts; readers turn these into the public SlideInfo.

import type { FileHandle } from 'node:fs/promises';

/** The tags of one IFD that the readers need, loaded eagerly at open time. */
export interface TiffDirectory {
  /** Position in the IFD chain, 0 = first; for a SubIFD, the position of the IFD that lists it. */
  index: number;
  /** For a SubIFD: its position among that IFD's SubIFDs (0-based, as vips' `subifd=`); absent for top-level IFDs. */
  subIfd?: number;
  /** The SubIFDs (tag 330) of a top-level IFD, with their chains, in the order listed: OME-TIFF pyramid levels. */
  subIfds?: TiffDirectory[];
  width: number;
  height: number;
  isTiled: boolean;
  /** Tile size when tiled, 0 otherwise. */
  tileWidth: number;
  tileHeight: number;
  /** TIFF Compression tag value (1 when absent). */
  compressionCode: number;
  /** PhotometricInterpretation (2 RGB, 6 YCbCr, ...). */
  photometric: number;
  samplesPerPixel: number;
  bitsPerSample: number[];
  /** 1 = chunky (interleaved), 2 = planar. */
  planarConfiguration: number;
  /** 1 none, 2 horizontal differencing. */
  predictor: number;
  /** NewSubfileType bits: 1 reduced resolution, 2 page, 4 mask. */
  newSubfileType: number;
  /** ImageDescription, '' when absent. */
  description: string;
  /** XResolution / YResolution as numbers, null when absent. */
  xResolution: number | null;
  yResolution: number | null;
  /** ResolutionUnit: 1 none, 2 inch, 3 cm; null when absent. */
  resolutionUnit: number | null;
  /** Byte offsets and counts of the tiles (row-major), only for tiled IFDs. */
  tileOffsets: number[];
  tileByteCounts: number[];
  /** Shared JPEG tables (abbreviated table-specification stream), or null. */
  jpegTables: Uint8Array | null;
}

/** How errors name a directory: `IFD 3`, or `IFD 0 SubIFD 2`. */
export function ifdName(dir: Pick<TiffDirectory, 'index' | 'subIfd'>): string {
  return dir.subIfd === undefined ? `IFD ${dir.index}` : `IFD ${dir.index} SubIFD ${dir.subIfd}`;
}

/** An opened TIFF: its header facts, parsed directories and the handle tiles are read with. */
export interface TiffFile {
  path: string;
  handle: FileHandle;
  fileSize: number;
  isBigTiff: boolean;
  littleEndian: boolean;
  /** The top-level IFDs in chain order (their SubIFDs hang off each in `subIfds`). */
  directories: TiffDirectory[];
}
