// Chooses how a level's bands are decoded: the TurboJPEG worker pool for tiled 8-bit JPEG levels when it
// starts, else libvips (with each JPEG tile checked alongside, since libtiff turns damaged tiles grey).
import { JpegTileVerifier } from '../../slide/tiff/tile-verifier.js';
import type { TileDecodePool } from '../../slide/tiff/tile-decode-pool.js';
import { readTiffStructure } from '../../slide/tiff/tiff-structure.js';
import type { TiffDirectory } from '../../slide/tiff/types.js';
import type { BandLevel, BandSource } from './band-reader.js';
import { isTurboJpegLevel, TileBandSource } from './tile-band-source.js';
import { VipsBandSource } from './vips-band-source.js';

/** The process's decode pool, started on first use (or why it could not start). */
export type DecodePoolProvider = () => Promise<TileDecodePool | string>;

export interface OpenedBandSource {
  source: BandSource;
  close(): Promise<void>;
}

async function readDirectory(path: string, ifd: number, subIfd: number | undefined): Promise<TiffDirectory | undefined> {
  const file = await readTiffStructure(path);
  await file.handle.close();
  const top = file.directories.find((d) => d.index === ifd);
  return subIfd === undefined ? top : top?.subIfds?.find((d) => d.subIfd === subIfd);
}

/** A band source for pyramid level `level` (page `geometry.page`, SubIFD `geometry.subIfd`) of a TIFF slide. */
export async function openBandSource(
  geometry: Omit<BandLevel, 'checkTiles'>,
  level: number,
  pool: DecodePoolProvider | undefined,
): Promise<OpenedBandSource> {
  // (Why the pool could not start is said once, by whoever provides it: run-pack.ts.)
  if (pool) {
    const dir = await readDirectory(geometry.file, geometry.page, geometry.subIfd);
    if (dir && isTurboJpegLevel(dir)) {
      const started = await pool();
      if (typeof started !== 'string') return { source: new TileBandSource(started, geometry.file, dir, level), close: async () => {} };
    }
  }
  const verifier = await JpegTileVerifier.open(geometry.file, level, geometry.page, geometry.subIfd);
  const checkTiles = verifier ? (row: number, col0: number, col1: number) => verifier.check(row, col0, col1) : undefined;
  return {
    source: new VipsBandSource({ ...geometry, ...(checkTiles ? { checkTiles } : {}) }),
    close: async () => verifier?.close(),
  };
}
