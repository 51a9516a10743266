// The slide factory: validates options and picks the backend. Native = the built-in TIFF readers (Aperio SVS,
// then generic tiled TIFF, as tiatoolbox's WSIReader.open walks its chain); OpenSlide = openslide/openslide-reader.ts.

import { extname } from 'node:path';
import { SlideError, WsiHpcError } from '../errors.js';
import type { OpenSlideBinding } from './openslide/binding.js';
import { getOpenSlide, openSlideMissingError } from './openslide/load-library.js';
import { OpenSlideReader } from './openslide/openslide-reader.js';
import { normalizeOpenSlideOptions } from './options.js';
import { AperioSvsReader } from './readers/aperio-svs.js';
import { GenericTiffReader } from './readers/generic-tiff.js';
import { readTiffStructure } from './tiff/tiff-structure.js';
import type { OpenSlideConfig, OpenSlideOptions, SlideReader } from './types.js';

const TIFF_READERS = [AperioSvsReader, GenericTiffReader] as const;

/** OpenSlide vendors whose files the native readers read with the same metadata; any other vendor goes to OpenSlide. */
export const NATIVE_VENDORS: ReadonlySet<string> = new Set(['aperio', 'generic-tiff']);

/** Extensions only OpenSlide reads: without the library such a file fails with OPENSLIDE_MISSING. */
export const OPENSLIDE_ONLY_EXTENSIONS: ReadonlySet<string> = new Set([
  '.ndpi',
  '.vms',
  '.vmu',
  '.scn',
  '.mrxs',
  '.bif',
  '.svslide',
  '.dcm',
]);

/** Native refusals about the format (not damage or I/O): OpenSlide may still read such a file. */
const FORMAT_REFUSALS: ReadonlySet<string> = new Set(['SLIDE_NOT_TIFF', 'UNSUPPORTED_COMPRESSION', 'UNSUPPORTED_LAYOUT']);

async function openNative(path: string, config: OpenSlideConfig): Promise<SlideReader> {
  const file = await readTiffStructure(path);
  try {
    const Reader = TIFF_READERS.find((R) => R.canOpen(file)) ?? GenericTiffReader;
    const reader = await Reader.open(file, config);
    reader.info.backend = 'native';
    return reader;
  } catch (err) {
    await file.handle.close();
    throw err;
  }
}

// "NDPI (.ndpi)" for messages: OpenSlide's vendor when known, else the extension.
function describeFormat(path: string, vendor: string | null): string {
  const ext = extname(path).toLowerCase() || 'no extension';
  return vendor ? `${vendor} (${ext})` : ext;
}

// The native error's reason without its "<file>: " prefix.
function reasonOf(err: WsiHpcError, path: string): string {
  return err.message.startsWith(`${path}: `) ? err.message.slice(path.length + 2) : err.message;
}

async function openWithOpenSlide(path: string, config: OpenSlideConfig): Promise<SlideReader> {
  const load = await getOpenSlide();
  if (!load.isLoaded) throw openSlideMissingError(path, describeFormat(path, null), load.reason);
  return OpenSlideReader.open(load.binding, path, config);
}

// auto: OpenSlide for a vendor only it understands; native otherwise; OpenSlide again when native refuses the format.
async function openAuto(path: string, config: OpenSlideConfig): Promise<SlideReader> {
  const load = await getOpenSlide();
  const lib: OpenSlideBinding | null = load.isLoaded ? load.binding : null;
  const vendor = lib ? await lib.detectVendor(path) : null;
  if (lib && vendor !== null && !NATIVE_VENDORS.has(vendor)) return OpenSlideReader.open(lib, path, config, vendor);
  try {
    return await openNative(path, config);
  } catch (err) {
    if (!(err instanceof WsiHpcError) || !FORMAT_REFUSALS.has(err.code)) throw err;
    const native = reasonOf(err, path);
    if (!load.isLoaded) {
      const missing = openSlideMissingError(path, describeFormat(path, null), load.reason);
      const isOpenSlideOnly = OPENSLIDE_ONLY_EXTENSIONS.has(extname(path).toLowerCase());
      const message = isOpenSlideOnly
        ? `the built-in reader cannot read it (${native}), and ${reasonOf(missing, path)}`
        : `${native}; OpenSlide, which might read it, is not available: ${load.reason}`;
      throw new SlideError(isOpenSlideOnly ? 'OPENSLIDE_MISSING' : err.code, path, message, { hint: missing.hint, cause: err });
    }
    if (lib === null || vendor === null) {
      throw new SlideError(err.code, path, `${native}; OpenSlide ${lib?.version ?? ''} does not recognise its format either`, {
        hint: err.hint,
        cause: err,
      });
    }
    try {
      return await OpenSlideReader.open(lib, path, config, vendor);
    } catch (second) {
      const why = second instanceof WsiHpcError ? reasonOf(second, path) : String(second);
      throw new SlideError(err.code, path, `built-in reader: ${native}; OpenSlide: ${why}`, { hint: err.hint, cause: err });
    }
  }
}

/**
 * Open a whole-slide image with the backend `options.reader` picks: `native` (Aperio SVS, generic pyramidal tiled
 * TIFF / BigTIFF), `openslide` (any format the system's OpenSlide reads), or `auto` (default: native where it reads
 * the file and OpenSlide finds no other vendor, else OpenSlide). `info.backend` says which one read it.
 * @param path file to open
 * @param options `reader`, `mppOverride` (µm/px at level 0), `cacheBytes` (native decoded-tile cache bound, default 256 MiB)
 * @throws SlideError SLIDE_NOT_TIFF, SLIDE_TRUNCATED, SLIDE_UNREADABLE, UNSUPPORTED_COMPRESSION, UNSUPPORTED_LAYOUT, OPENSLIDE_MISSING
 * @throws OptionError for invalid options
 * @example const slide = await openSlide('a.svs'); const rgb = await slide.readRegion(0, 0, 0, 224, 224); await slide.close();
 */
export async function openSlide(path: string, options: OpenSlideOptions = {}): Promise<SlideReader> {
  const config = normalizeOpenSlideOptions(options);
  if (config.reader === 'native') return openNative(path, config);
  if (config.reader === 'openslide') return openWithOpenSlide(path, config);
  return openAuto(path, config);
}
