// Generates one synthetic slide as a Philips TIFF (OpenSlide vendor `philips`): the same tissue,
// tumours and pens as synthSlide, written as tile-padded JPEG levels 4x apart, no TIFF resolution
// tags (the MPP lives only in the DPUfsImport XML), label and macro as base64 JPEGs inside the XML.
import { basename } from 'node:path';
import sharp from 'sharp';
import { OptionError } from '../errors.js';
import { renderLabel, renderMacro } from './associated-images.js';
import type { RgbPixels } from './associated-images.js';
import { makeJpegEncoder, ycbcrSubsampling } from './encode-jpeg.js';
import { appMag } from './aperio.js';
import { PHILIPS_SOFTWARE, philipsDescription, philipsLevelDescription, planPhilipsLevels, renderedLevel } from './philips-xml.js';
import type { PhilipsLevel } from './philips-xml.js';
import { planLayout } from './plan-layout.js';
import { createRng } from './prng.js';
import { findSamplePoints } from './sample-points.js';
import { normalizeSynthSlideOptions } from './synth-options.js';
import { buildTextureBank } from './texture-bank.js';
import type { TiffWriter } from './tiff-writer.js';
import { writeTiffFile } from './write-tiff-file.js';
import type { TiffImageSpec } from './tiff-writer.js';
import { overviewCanvas } from './write-associated.js';
import { writeLevel } from './write-level.js';
import { writeTextAtomic } from './write-text.js';
import type { SynthSidecar, SynthSlideConfig, SynthSlideOptions } from './types.js';

/** Options of a Philips slide: those of synthSlide (no flavour), plus a separate y spacing. */
export interface SynthPhilipsOptions extends Omit<SynthSlideOptions, 'flavour' | 'annotationsPath'> {
  /** Microns per pixel at level 0 in y (row spacing). @default mppX */
  mppY?: number;
  /** Receives every tile's RGB pixels as written, level by level, tiles in row-major order. */
  onTilePixels?: (level: number, col: number, row: number, rgb: Uint8Array) => void;
}

/** The sidecar of a Philips slide: synthSlide's, with flavour `philips` and the y spacing. */
export interface PhilipsSidecar extends Omit<SynthSidecar, 'slide' | 'levels'> {
  slide: Omit<SynthSidecar['slide'], 'flavour'> & { flavour: 'philips' };
  levels: PhilipsLevel[];
}

export interface SynthPhilipsResult {
  path: string;
  sidecarPath: string;
  /** Content size; the file's level 0 is this padded to whole tiles. */
  width: number;
  height: number;
  mppX: number;
  mppY: number;
  objectivePower: number;
  levels: PhilipsLevel[];
  byteLength: number;
}

/** Write a Philips TIFF (and its geometry sidecar) as `options` say; the file appears only when complete. */
export async function synthPhilipsSlide(options: SynthPhilipsOptions): Promise<SynthPhilipsResult> {
  const { mppY: rawMppY, onTilePixels, ...rest } = options;
  const config = normalizeSynthSlideOptions({ ...rest, flavour: 'generic' });
  const mppY = rawMppY ?? config.mppX;
  if (!(typeof mppY === 'number' && Number.isFinite(mppY) && mppY > 0)) {
    throw new OptionError(`Expected \`mppY\` to be a positive number of microns per pixel, received ${String(mppY)}`);
  }
  const layout = planLayout(config);
  const levels = planPhilipsLevels(config.width, config.height, config.tileSize);
  const byteLength = await writeTiffFile(config.path, (writer) => writeImages(writer, config, mppY, layout, levels, onTilePixels));
  const sidecar: PhilipsSidecar = {
    schemaVersion: 1,
    slide: {
      file: basename(config.path),
      flavour: 'philips',
      width: config.width,
      height: config.height,
      mppX: config.mppX,
      mppY,
      seed: config.seed,
    },
    levels,
    tissue: layout.tissue,
    tumours: layout.tumours,
    pens: layout.pens,
    samples: findSamplePoints(layout, config.seed),
  };
  await writeTextAtomic(config.sidecarPath, `${JSON.stringify(sidecar)}\n`);
  return {
    path: config.path,
    sidecarPath: config.sidecarPath,
    width: config.width,
    height: config.height,
    mppX: config.mppX,
    mppY,
    objectivePower: appMag(config.mppX),
    levels,
    byteLength,
  };
}

// Every level's tiles, then the IFDs: level 0 carries the Software tag and the XML.
async function writeImages(
  writer: TiffWriter,
  config: Readonly<SynthSlideConfig>,
  mppY: number,
  layout: ReturnType<typeof planLayout>,
  levels: PhilipsLevel[],
  onTilePixels: SynthPhilipsOptions['onTilePixels'],
): Promise<number> {
  const encode = makeJpegEncoder(config.tileSize, config.quality, config.chromaSubsampling);
  const bank = await buildTextureBank(createRng(config.seed).fork('textures'), levels.length, config.tileSize, config.mppX, encode, 2);
  const last = levels.length - 1;
  const overview = overviewCanvas(levels[last].width, levels[last].height, config.tileSize);
  const objectivePower = appMag(config.mppX);
  const specs: TiffImageSpec[] = [];
  for (const [index, level] of levels.entries()) {
    const result = await writeLevel({
      writer,
      layout,
      bank: bank[index],
      level: renderedLevel(level),
      levelIndex: index,
      tileSize: config.tileSize,
      seed: config.seed,
      encode,
      concurrency: config.concurrency,
      onTilePixels: (col, row, rgb) => {
        onTilePixels?.(index, col, row, rgb);
        if (index === last) overview.onTile(col, row, rgb);
      },
    });
    specs.push({
      width: level.width,
      height: level.height,
      tileSize: config.tileSize,
      compression: 'jpeg',
      photometric: 'ycbcr',
      ycbcrSubsampling: ycbcrSubsampling(config.chromaSubsampling),
      newSubfileType: index === 0 ? 0 : 1,
      description: philipsLevelDescription(index, objectivePower, level.downsample, config.quality),
      blocks: result.blocks,
    });
  }
  const label = renderLabel(config.seed);
  const macro = await renderMacro(label, overview.image);
  specs[0] = {
    ...specs[0],
    software: PHILIPS_SOFTWARE,
    description: philipsDescription({
      mppX: config.mppX,
      mppY,
      levels,
      quality: config.quality,
      // 'auto' turns BigTIFF only past 4 GiB, far beyond what this generator is used for.
      isBigTiff: config.bigTiff === 'always',
      objectivePower,
      barcode: `WSIHPC-${config.seed}`,
      labelJpegBase64: await jpegBase64(label),
      macroJpegBase64: await jpegBase64(macro),
    }),
  };
  for (const spec of specs) writer.addImage(spec);
  return (await writer.finish(config.bigTiff)).byteLength;
}

async function jpegBase64(image: RgbPixels): Promise<string> {
  const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  return jpeg.toString('base64');
}
