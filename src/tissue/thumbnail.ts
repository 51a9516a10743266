// Reads a whole slide at about `targetMpp` µm per pixel: picks the coarsest pyramid level that is
// at least that fine, streams it in row strips and box-averages. Never holds a full level.
import { SlideError } from '../errors.js';
import type { RgbImage, SlideReader } from '../slide/index.js';

/** Refuse to scan a level bigger than this for a thumbnail (a missing pyramid). */
export const MAX_THUMBNAIL_SOURCE_PIXELS = 1.2e9;

/**
 * Largest tissue mask (thumbnail) in pixels: detection holds ~40 bytes per mask pixel (RGB, sums,
 * saturation, masks, labels), so 50 M pixels is ~2 GB; at the default 8 µm/px that is a 56 x 56 mm
 * scan, larger than any glass slide.
 */
export const MAX_MASK_PIXELS = 50e6;

export interface Thumbnail {
  image: RgbImage;
  sourceLevel: number;
  /** Level-0 pixels per thumbnail pixel. */
  scaleX: number;
  scaleY: number;
}

export function chooseThumbnailLevel(reader: SlideReader, level0Mpp: number, targetMpp: number): number {
  const { levels } = reader.info;
  let chosen = 0;
  for (const level of levels) if (level0Mpp * level.downsample <= targetMpp * 1.0001) chosen = level.index;
  return chosen;
}

// A mask finer than memory allows: say how coarse --mask-mpp must be (or that the slide's µm/px looks wrong).
function maskTooLarge(reader: SlideReader, level0Mpp: number, targetMpp: number, outW: number, outH: number): SlideError {
  const l0 = reader.info.levels[0];
  const neededMpp = Math.ceil(level0Mpp * Math.sqrt((l0.width * l0.height) / MAX_MASK_PIXELS) * 10) / 10;
  return new SlideError(
    'SLIDE_TOO_LARGE',
    reader.info.path,
    `a tissue mask at --mask-mpp ${targetMpp} would be ${outW}x${outH} pixels, over the limit of ${MAX_MASK_PIXELS / 1e6} M pixels (the slide is ${l0.width}x${l0.height} at ${level0Mpp} µm/px)`,
    {
      hint: `Raise --mask-mpp to ${Math.max(neededMpp, targetMpp)} µm/px or more (default 8), or check the slide's µm/px (--slide-mpp overrides it)`,
    },
  );
}

export async function readThumbnail(reader: SlideReader, level0Mpp: number, targetMpp: number): Promise<Thumbnail> {
  const levelIndex = chooseThumbnailLevel(reader, level0Mpp, targetMpp);
  const level = reader.info.levels[levelIndex];
  if (level.width * level.height > MAX_THUMBNAIL_SOURCE_PIXELS) {
    throw new SlideError(
      'SLIDE_TOO_LARGE',
      reader.info.path,
      `no pyramid level near ${targetMpp} µm/px; the coarsest usable level is ${level.width}x${level.height}, too large to scan`,
      { hint: 'Write a pyramid first: vips tiffsave in.tif out.tif --tile --pyramid --compression jpeg' },
    );
  }
  const factor = Math.max(1, targetMpp / (level0Mpp * level.downsample));
  const outW = Math.max(1, Math.round(level.width / factor));
  const outH = Math.max(1, Math.round(level.height / factor));
  if (outW * outH > MAX_MASK_PIXELS) throw maskTooLarge(reader, level0Mpp, targetMpp, outW, outH);
  const geometry = {
    sourceLevel: levelIndex,
    scaleX: ((level.width / outW) * reader.info.levels[0].width) / level.width,
    scaleY: ((level.height / outH) * reader.info.levels[0].height) / level.height,
  };
  // The level already is the mask resolution: copy strips, no averaging (and no big sum arrays).
  if (outW === level.width && outH === level.height) {
    const data = new Uint8Array(outW * outH * 3);
    for (let y0 = 0; y0 < level.height; y0 += Math.max(level.tileHeight, 256)) {
      const rows = Math.min(Math.max(level.tileHeight, 256), level.height - y0);
      data.set((await reader.readRegion(levelIndex, 0, y0, level.width, rows)).data, y0 * level.width * 3);
    }
    return { image: { width: outW, height: outH, data }, ...geometry };
  }
  const fx = level.width / outW;
  const fy = level.height / outH;
  // Uint32 sums hold 255 * (pixels per output pixel) for any factor below ~4000.
  const sums = new Uint32Array(outW * outH * 3);
  const counts = new Uint32Array(outW * outH);
  const colMap = new Int32Array(level.width);
  for (let x = 0; x < level.width; x++) colMap[x] = Math.min(outW - 1, Math.floor(x / fx));
  const stripRows = Math.max(level.tileHeight, 256);
  for (let y0 = 0; y0 < level.height; y0 += stripRows) {
    const rows = Math.min(stripRows, level.height - y0);
    const strip = await reader.readRegion(levelIndex, 0, y0, level.width, rows);
    for (let r = 0; r < rows; r++) {
      const oy = Math.min(outH - 1, Math.floor((y0 + r) / fy));
      const rowBase = oy * outW;
      let p = r * level.width * 3;
      for (let x = 0; x < level.width; x++, p += 3) {
        const o = rowBase + colMap[x];
        sums[o * 3] += strip.data[p];
        sums[o * 3 + 1] += strip.data[p + 1];
        sums[o * 3 + 2] += strip.data[p + 2];
        counts[o]++;
      }
    }
  }
  const data = new Uint8Array(outW * outH * 3);
  for (let o = 0; o < outW * outH; o++) {
    const c = counts[o] || 1;
    data[o * 3] = Math.round(sums[o * 3] / c);
    data[o * 3 + 1] = Math.round(sums[o * 3 + 1] / c);
    data[o * 3 + 2] = Math.round(sums[o * 3 + 2] / c);
  }
  return { image: { width: outW, height: outH, data }, ...geometry };
}
