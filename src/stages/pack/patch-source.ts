// Reads the planned patches of one slide: checks the slide is the file that was planned (size, mtime),
// opens it once, decodes its grid file (checking the plan's checksum) and returns patch pixels at the
// patch size, resampling when planned so. Damaged JPEG tiles fail the read (TILE_CORRUPT) on both paths.
// The slide is read through the backend that planned it: libvips bands for native TIFF slides, OpenSlide's
// read_region per patch (in the grid order asked for) for slides OpenSlide read.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { WsiHpcError } from '../../errors.js';
import { decodeGrid, type GridRecords } from '../../grid/index.js';
import { openSlide, type SlideReader } from '../../slide/index.js';
import type { PlanFile, PlanSlide } from '../../plan/index.js';
import { sha256 } from '../../util/hash.js';
import { BandReader } from './band-reader.js';
import { type DecodePoolProvider, openBandSource } from './band-source.js';

/** Reads units (grid patches or regions) asked for in order into `into`; close once every read has settled. */
export interface UnitReader<K> {
  read(key: K, into: Uint8Array): Promise<void>;
  /** Hands the decoded bands' buffers back (a shard that failed midway leaves some unread). */
  close(): void;
}

export interface PatchSource {
  slide: PlanSlide;
  /** What decodes this slide's pixels: 'turbojpeg' (worker pool), 'libvips' (bands) or the slide reader ('tiles'). */
  decoder: string;
  grid: GridRecords;
  readPatch(index: number): Promise<Uint8Array>;
  /**
   * A reader for grid patches [start, end) asked for in order, writing each patch into `into`
   * (patch size squared x 3 bytes): libvips bands when it can open the file.
   */
  rangeReader(start: number, end: number): UnitReader<number>;
  /**
   * A reader for square regions at the grid's level whose level-0 top-left corners are `origins`, asked
   * for in that (row-major) order: `size` level pixels on a side, resampled to `outSize` when the grid is.
   */
  regionReader(origins: Array<[number, number]>, size: number, outSize: number): UnitReader<[number, number]>;
  close(): Promise<void>;
}

/** Whether libvips (through sharp) opens this level's page (or SubIFD) with the dimensions we expect. */
async function canReadBands(path: string, page: number, subifd: number | undefined, width: number, height: number): Promise<boolean> {
  try {
    const meta = await sharp(path, { page, ...(subifd === undefined ? {} : { subifd }), limitInputPixels: false }).metadata();
    return meta.width === width && meta.height === height;
  } catch {
    // Not a file libvips reads; the per-tile path (sharp on the raw JPEG tiles) still works.
    return false;
  }
}

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

/** Throws SLIDE_CHANGED unless the slide file has the size and mtime recorded when it was planned. */
export async function checkSlideUnchanged(slide: PlanSlide, runRoot: string): Promise<void> {
  const planned = `size ${slide.sizeBytes}, mtime ${iso(slide.mtimeMs)}`;
  const hint = `Rerun \`wsi-hpc plan\` on it (same inputs, --out ${runRoot}) to replan the slide, or put the planned file back; then pack again`;
  const st = await stat(slide.path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') {
      throw new WsiHpcError('SLIDE_CHANGED', `${slide.path}: slide missing since planning (planned ${planned})`, {
        file: slide.path,
        hint,
      });
    }
    throw new WsiHpcError('SLIDE_UNREADABLE', `${slide.path}: cannot stat the slide (${err.code ?? err.message})`, {
      file: slide.path,
      hint: 'Check the file exists and is readable by this user',
      cause: err,
    });
  });
  const mtimeMs = Math.trunc(st.mtimeMs);
  if (st.size === slide.sizeBytes && mtimeMs === slide.mtimeMs) return;
  const now = `size ${slide.sizeBytes} -> ${st.size}, mtime ${iso(slide.mtimeMs)} -> ${iso(mtimeMs)}`;
  throw new WsiHpcError('SLIDE_CHANGED', `${slide.path}: changed since planning (${now})`, { file: slide.path, hint });
}

export interface PatchSourceOptions {
  /** Tile cache of the slide reader (per-patch path). */
  cacheBytes?: number;
  /** TurboJPEG worker pool for JPEG-tiled TIFF levels; without it bands are decoded by libvips. */
  decodePool?: DecodePoolProvider;
}

export async function openPatchSource(
  plan: PlanFile,
  runRoot: string,
  slide: PlanSlide,
  options: PatchSourceOptions = {},
): Promise<PatchSource> {
  const { cacheBytes } = options;
  const g = slide.grid;
  if (slide.status !== 'planned' || !g) {
    throw new WsiHpcError('PLAN_INVALID', `${slide.path}: slide is not planned (${slide.status}) but a shard refers to it`, {
      file: slide.path,
    });
  }
  await checkSlideUnchanged(slide, runRoot);
  const gridPath = join(runRoot, g.file);
  const bytes = await readFile(gridPath);
  if (sha256(bytes) !== g.sha256) {
    throw new WsiHpcError('PLAN_INVALID', `${gridPath}: grid file changed since planning (checksum mismatch)`, {
      file: gridPath,
      hint: 'Re-run `wsi-hpc plan` for this run folder',
    });
  }
  const grid = decodeGrid(bytes, gridPath);
  // Plans written before the OpenSlide backend record no backend: the native reader read them.
  const backend = slide.info?.backend ?? 'native';
  const reader: SlideReader = await openSlide(slide.path, {
    mppOverride: plan.params.slideMpp ?? undefined,
    isOverrideOnlyWhenMissing: true,
    reader: backend,
    ...(cacheBytes === undefined ? {} : { cacheBytes }),
  });
  const { level, downsample, readSizePx, patchSizePx, isResampled } = g;
  const info = reader.info.levels[level];
  // libvips bands read TIFF pages: only for slides the native TIFF reader planned (OpenSlide levels have no page).
  const hasBands = backend === 'native' && (await canReadBands(slide.path, info.ifd, info.subIfd, info.width, info.height));
  const geometry = {
    file: slide.path,
    page: info.ifd,
    ...(info.subIfd === undefined ? {} : { subIfd: info.subIfd }),
    width: info.width,
    height: info.height,
    tileWidth: info.tileWidth,
    tileHeight: info.tileHeight,
  };
  const bandSource = hasBands ? await openBandSource(geometry, level, options.decodePool) : null;
  // Regions read at `level`, `size` level pixels on a side, resampled to `outSize` when planned so.
  const finish = async (pixels: Uint8Array, size: number, outSize: number): Promise<Uint8Array> => {
    if (!isResampled) return pixels;
    const out = await sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
      .resize(outSize, outSize, { kernel: 'lanczos3' })
      .raw()
      .toBuffer();
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  };
  const toLevel = ([x0, y0]: [number, number]): [number, number] => [Math.round(x0 / downsample), Math.round(y0 / downsample)];
  const origin = (index: number): [number, number] => [grid.coords[2 * index], grid.coords[2 * index + 1]];
  const readPatch = async (index: number) => {
    const [x, y] = toLevel(origin(index));
    return finish((await reader.readRegion(level, x, y, readSizePx, readSizePx)).data, readSizePx, patchSizePx);
  };
  const regionReader = (origins: Array<[number, number]>, size: number, outSize: number): UnitReader<[number, number]> => {
    if (!bandSource) {
      return {
        read: async (origin, into) => {
          const [x, y] = toLevel(origin);
          into.set(await finish((await reader.readRegion(level, x, y, size, size)).data, size, outSize));
        },
        close: () => {},
      };
    }
    const bands = new BandReader(geometry, size, origins.map(toLevel), bandSource.source);
    return {
      read: async (origin, into) => {
        const [x, y] = toLevel(origin);
        // Unresampled regions are cut straight into the batch buffer: no per-region allocation.
        if (!isResampled) {
          await bands.read(x, y, into);
          return;
        }
        into.set(await finish(await bands.read(x, y), size, outSize));
      },
      close: () => bands.close(),
    };
  };
  return {
    slide,
    decoder: bandSource?.source.decoder ?? (backend === 'openslide' ? 'openslide' : 'tiles'),
    grid,
    readPatch,
    rangeReader(start, end) {
      const origins: Array<[number, number]> = [];
      for (let i = start; i < end; i++) origins.push(origin(i));
      const regions = regionReader(origins, readSizePx, patchSizePx);
      return { read: (index, into) => regions.read(origin(index), into), close: () => regions.close() };
    },
    regionReader,
    close: async () => {
      await bandSource?.close();
      await reader.close();
    },
  };
}
