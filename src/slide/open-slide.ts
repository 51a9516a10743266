// The slide factory: validates options, opens the TIFF once, and hands it to the first reader that claims it
// (Aperio SVS, then generic tiled TIFF), as tiatoolbox's WSIReader.open walks its chain.

import type { OpenSlideOptions, SlideReader } from './types.js';
import { normalizeOpenSlideOptions } from './options.js';
import { AperioSvsReader } from './readers/aperio-svs.js';
import { GenericTiffReader } from './readers/generic-tiff.js';
import { readTiffStructure } from './tiff/tiff-structure.js';

const TIFF_READERS = [AperioSvsReader, GenericTiffReader] as const;

/**
 * Open a whole-slide image (Aperio SVS or generic pyramidal tiled TIFF / BigTIFF).
 * @param path file to open
 * @param options `mppOverride` (µm/px at level 0) and `cacheBytes` (decoded-tile cache bound, default 256 MiB)
 * @throws SlideError SLIDE_NOT_TIFF, SLIDE_TRUNCATED, SLIDE_UNREADABLE, UNSUPPORTED_COMPRESSION, UNSUPPORTED_LAYOUT
 * @throws OptionError for invalid options
 * @example const slide = await openSlide('a.svs'); const rgb = await slide.readRegion(0, 0, 0, 224, 224); await slide.close();
 */
export async function openSlide(path: string, options: OpenSlideOptions = {}): Promise<SlideReader> {
  const config = normalizeOpenSlideOptions(options);
  const file = await readTiffStructure(path);
  try {
    const Reader = TIFF_READERS.find((R) => R.canOpen(file)) ?? GenericTiffReader;
    return await Reader.open(file, config);
  } catch (err) {
    await file.handle.close();
    throw err;
  }
}
