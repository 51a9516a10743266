// Opens a TIFF and loads the tags of every IFD, and of the SubIFDs each lists, with geotiff (classic and BigTIFF).
// Header and chain sanity are checked first (tiff-header.ts, check-ifd-chain.ts); classifying IFDs is the readers' job.

import { type FileHandle, open } from 'node:fs/promises';
import { fromFile, type GeoTIFF, type ImageFileDirectory } from 'geotiff';
import { SlideError, toWsiHpcError } from '../../errors.js';
import { checkIfdChain, type IfdChain } from './check-ifd-chain.js';
import { readTiffHeader } from './tiff-header.js';
import type { TiffDirectory, TiffFile } from './types.js';

type TagValue = number | string | ArrayLike<number> | undefined;
type TagName = Parameters<ImageFileDirectory['hasTag']>[0];

async function load(fd: ImageFileDirectory, tag: TagName): Promise<TagValue> {
  return fd.hasTag(tag) ? ((await fd.loadValue(tag)) as TagValue) : undefined;
}

function toNumbers(value: TagValue): number[] {
  if (value === undefined || typeof value === 'string') return [];
  if (typeof value === 'number') return [value];
  return Array.from(value, Number);
}

function toNumber(value: TagValue, fallback: number): number {
  return toNumbers(value)[0] ?? fallback;
}

// RATIONAL tags come back as [numerator, denominator].
function toRational(value: TagValue): number | null {
  const [num, den] = toNumbers(value);
  if (num === undefined) return null;
  if (den === undefined) return num;
  return den === 0 ? null : num / den;
}

async function readDirectory(fd: ImageFileDirectory, index: number, subIfd?: number): Promise<TiffDirectory> {
  const isTiled = fd.hasTag('TileOffsets');
  const description = await load(fd, 'ImageDescription');
  const tables = await load(fd, 'JPEGTables');
  return {
    index,
    ...(subIfd === undefined ? {} : { subIfd }),
    width: toNumber(await load(fd, 'ImageWidth'), 0),
    height: toNumber(await load(fd, 'ImageLength'), 0),
    isTiled,
    tileWidth: isTiled ? toNumber(await load(fd, 'TileWidth'), 0) : 0,
    tileHeight: isTiled ? toNumber(await load(fd, 'TileLength'), 0) : 0,
    compressionCode: toNumber(await load(fd, 'Compression'), 1),
    photometric: toNumber(await load(fd, 'PhotometricInterpretation'), 2),
    samplesPerPixel: toNumber(await load(fd, 'SamplesPerPixel'), 1),
    bitsPerSample: toNumbers(await load(fd, 'BitsPerSample')),
    planarConfiguration: toNumber(await load(fd, 'PlanarConfiguration'), 1),
    predictor: toNumber(await load(fd, 'Predictor'), 1),
    newSubfileType: toNumber(await load(fd, 'NewSubfileType'), 0),
    description: typeof description === 'string' ? description.replace(/\0+$/, '') : '',
    xResolution: toRational(await load(fd, 'XResolution')),
    yResolution: toRational(await load(fd, 'YResolution')),
    resolutionUnit: fd.hasTag('ResolutionUnit') ? toNumber(await load(fd, 'ResolutionUnit'), 2) : null,
    tileOffsets: isTiled ? toNumbers(await load(fd, 'TileOffsets')) : [],
    tileByteCounts: isTiled ? toNumbers(await load(fd, 'TileByteCounts')) : [],
    jpegTables: tables === undefined || typeof tables === 'string' || typeof tables === 'number' ? null : Uint8Array.from(tables),
  };
}

async function readDirectories(path: string, chain: IfdChain): Promise<TiffDirectory[]> {
  let tiff: GeoTIFF | undefined;
  try {
    tiff = await fromFile(path);
    const directories: TiffDirectory[] = [];
    for (let i = 0; i < chain.offsets.length; i++) {
      const image = await tiff.getImage(i);
      const dir = await readDirectory(image.fileDirectory, i);
      const subOffsets = chain.subIfdOffsets[i] ?? [];
      if (subOffsets.length > 0) {
        const parser = tiff.parser;
        dir.subIfds = [];
        for (const [k, offset] of subOffsets.entries())
          dir.subIfds.push(await readDirectory(await parser.parseFileDirectoryAt(offset), i, k));
      }
      directories.push(dir);
    }
    return directories;
  } catch (err) {
    throw toWsiHpcError(err, 'SLIDE_UNREADABLE', path);
  } finally {
    await tiff?.close();
  }
}

/** Open `path`, check it is a sound TIFF and load all its directories and SubIFDs. The caller owns `handle`. */
export async function readTiffStructure(path: string): Promise<TiffFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new SlideError('SLIDE_UNREADABLE', path, `cannot open file (${(err as Error).message})`, { cause: err });
  }
  try {
    const header = await readTiffHeader(handle, path);
    const chain = await checkIfdChain(handle, path, header);
    const directories = await readDirectories(path, chain);
    return { path, handle, fileSize: header.fileSize, isBigTiff: header.isBigTiff, littleEndian: header.littleEndian, directories };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
