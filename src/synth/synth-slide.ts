// Generates one synthetic slide: plans the layout, builds the texture bank, streams every level's
// tiles into the TIFF, adds the SVS extras for the aperio flavour, then writes the sidecar JSON and
// the ASAP XML. The file appears under its final name only when complete.
import { basename, extname } from 'node:path';
import { renderAsapXml } from '../geometry/index.js';
import { aperioDescription, aperioOrder, genericDescription } from './aperio.js';
import type { ImageRole } from './aperio.js';
import { THUMBNAIL_PX, renderLabel, renderMacro, resizeInside } from './associated-images.js';
import { makeJpegEncoder, ycbcrSubsampling } from './encode-jpeg.js';
import { overviewLevel, planLevels } from './plan-levels.js';
import { planLayout } from './plan-layout.js';
import { createRng } from './prng.js';
import { findSamplePoints } from './sample-points.js';
import { normalizeSynthSlideOptions } from './synth-options.js';
import { buildTextureBank } from './texture-bank.js';
import type { TiffWriter } from './tiff-writer.js';
import { writeTiffFile } from './write-tiff-file.js';
import type { TiffImageSpec } from './tiff-writer.js';
import { overviewCanvas, rowsPerStrip, writeStrips } from './write-associated.js';
import { writeLevel } from './write-level.js';
import { writeTextAtomic } from './write-text.js';
import type { SlideLayout, SynthSidecar, SynthSlideConfig, SynthSlideOptions, SynthSlideResult } from './types.js';

/** Generate one slide (and its sidecar, and its ASAP XML when asked) as `options` say. */
export async function synthSlide(options: SynthSlideOptions): Promise<SynthSlideResult> {
  const started = performance.now();
  const config = normalizeSynthSlideOptions(options);
  const layout = planLayout(config);
  const written = await writeTiffFile(config.path, (writer) => writeImages(writer, config, layout));
  const sidecar: SynthSidecar = {
    schemaVersion: 1,
    slide: {
      file: basename(config.path),
      flavour: config.flavour,
      width: config.width,
      height: config.height,
      mppX: config.mppX,
      mppY: config.mppX,
      seed: config.seed,
    },
    levels: written.levels,
    tissue: layout.tissue,
    tumours: layout.tumours,
    pens: layout.pens,
    samples: findSamplePoints(layout, config.seed),
  };
  await writeTextAtomic(config.sidecarPath, `${JSON.stringify(sidecar)}\n`);
  const annotationsPath = config.annotationsPath !== null && layout.tumours.length > 0 ? config.annotationsPath : null;
  if (annotationsPath) await writeTextAtomic(annotationsPath, renderAsapXml(layout.tumours));
  return {
    path: config.path,
    sidecarPath: config.sidecarPath,
    annotationsPath,
    flavour: config.flavour,
    width: config.width,
    height: config.height,
    mppX: config.mppX,
    seed: config.seed,
    hasTumour: layout.tumours.length > 0,
    isBigTiff: written.isBigTiff,
    byteLength: written.byteLength,
    levels: written.levels,
    tiles: written.tiles,
    elapsedMs: Math.round(performance.now() - started),
  };
}

// Every image's data, then the IFDs in the flavour's order.
async function writeImages(writer: TiffWriter, config: Readonly<SynthSlideConfig>, layout: SlideLayout) {
  const levels = planLevels(config.width, config.height);
  const encode = makeJpegEncoder(config.tileSize, config.quality, config.chromaSubsampling);
  const bank = await buildTextureBank(
    createRng(config.seed).fork('textures'),
    levels.length,
    config.tileSize,
    config.mppX,
    encode,
    config.concurrency,
  );
  const isAperio = config.flavour === 'aperio';
  const overviewIndex = overviewLevel(levels, THUMBNAIL_PX);
  const overview = isAperio ? overviewCanvas(levels[overviewIndex].width, levels[overviewIndex].height, config.tileSize) : null;
  const stem = basename(config.path, extname(config.path));
  const specs = new Map<string, TiffImageSpec>();
  const describe = (role: ImageRole, size: { width: number; height: number }) =>
    isAperio ? aperioDescription(config, stem, role, size) : genericDescription(config, role.kind === 'level' ? role.index : -1);
  const tiles = { total: 0, reused: 0, composited: 0 };
  for (const [index, level] of levels.entries()) {
    const result = await writeLevel({
      writer,
      layout,
      bank: bank[index],
      level,
      levelIndex: index,
      tileSize: config.tileSize,
      seed: config.seed,
      encode,
      concurrency: config.concurrency,
      onTilePixels: index === overviewIndex ? overview?.onTile : undefined,
    });
    tiles.reused += result.reused;
    tiles.composited += result.composited;
    tiles.total += result.blocks.length;
    specs.set(`level${index}`, {
      width: level.width,
      height: level.height,
      tileSize: config.tileSize,
      compression: 'jpeg',
      photometric: 'ycbcr',
      ycbcrSubsampling: ycbcrSubsampling(config.chromaSubsampling),
      newSubfileType: index === 0 ? 0 : 1,
      description: describe({ kind: 'level', index }, level),
      pixelsPerCm: 10_000 / (config.mppX * level.downsample),
      blocks: result.blocks,
    });
  }
  if (overview) {
    const label = renderLabel(config.seed);
    const extras = {
      thumbnail: await resizeInside(overview.image, THUMBNAIL_PX, THUMBNAIL_PX),
      label,
      macro: await renderMacro(label, overview.image),
    };
    for (const kind of ['thumbnail', 'label', 'macro'] as const) {
      const image = extras[kind];
      specs.set(kind, {
        width: image.width,
        height: image.height,
        rowsPerStrip: rowsPerStrip(image.width),
        compression: 'none',
        photometric: 'rgb',
        newSubfileType: kind === 'macro' ? 9 : 1,
        description: describe({ kind }, image),
        blocks: await writeStrips(writer, image),
      });
    }
  }
  const order: ImageRole[] = isAperio ? aperioOrder(levels.length) : levels.map((_, index) => ({ kind: 'level', index }));
  for (const role of order) {
    const spec = specs.get(role.kind === 'level' ? `level${role.index}` : role.kind);
    if (spec) writer.addImage(spec);
  }
  const { isBigTiff, byteLength } = await writer.finish(config.bigTiff);
  return { levels, tiles, isBigTiff, byteLength };
}
