// Automatic tissue detection on a thumbnail: HSV saturation, median blur, Otsu with a floor (the floor
// alone on a slide covered edge to edge), ink rejection, close/open, small-region removal and hole
// filling (areas in µm²). No file I/O; sharp is used in memory for the median filter only.
import sharp from 'sharp';
import type { RgbImage } from '../slide/index.js';
import { close, dilate, open } from './morphology.js';
import { fillSmallHoles, removeSmallRegions } from './components.js';
import { histogram, tissueThreshold } from './otsu.js';
import { inkMask } from './ink.js';
import type { BinaryMask, TissueConfig } from './types.js';

export interface Detection {
  mask: BinaryMask;
  threshold: number;
  otsuThreshold: number;
  inkFraction: number;
  /** Tissue regions kept (filling holes never merges or splits regions). */
  regions: number;
}

export function saturation(image: RgbImage): Uint8Array {
  const n = image.width * image.height;
  const s = new Uint8Array(n);
  const d = image.data;
  for (let i = 0; i < n; i++) {
    const r = d[i * 3];
    const g = d[i * 3 + 1];
    const b = d[i * 3 + 2];
    const max = r > g ? Math.max(r, b) : Math.max(g, b);
    const min = r < g ? Math.min(r, b) : Math.min(g, b);
    s[i] = max === 0 ? 0 : Math.round(((max - min) * 255) / max);
  }
  return s;
}

async function medianBlur(values: Uint8Array, width: number, height: number, size: number): Promise<Uint8Array> {
  if (size <= 1 || width < size || height < size) return values;
  // sharp would promote one band to sRGB on output; keep it single-band.
  const { data, info } = await sharp(values, { raw: { width, height, channels: 1 } })
    .median(size)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`median filter returned ${info.channels} channels, expected 1`);
  return new Uint8Array(data.buffer, data.byteOffset, width * height);
}

/** `umPerPixel` is the physical size of one thumbnail pixel. */
export async function detectTissue(image: RgbImage, umPerPixel: number, cfg: TissueConfig): Promise<Detection> {
  const { width, height } = image;
  const n = width * height;
  const ink = cfg.rejectInk ? (await dilate({ width, height, data: inkMask(image) }, 1)).data : new Uint8Array(n);
  const sat = await medianBlur(saturation(image), width, height, cfg.medianSize);
  const { threshold, otsu } = tissueThreshold(
    histogram(sat, (i) => ink[i] === 0),
    cfg.saturationFloor,
  );
  const raw = new Uint8Array(n);
  let inkCount = 0;
  for (let i = 0; i < n; i++) {
    if (ink[i]) inkCount++;
    raw[i] = sat[i] > threshold && ink[i] === 0 ? 1 : 0;
  }
  const px = (um: number) => Math.round(um / umPerPixel);
  const areaPx = (um2: number) => um2 / (umPerPixel * umPerPixel);
  let mask: BinaryMask = { width, height, data: raw };
  mask = await close(mask, px(cfg.closeRadiusUm));
  mask = await open(mask, px(cfg.openRadiusUm));
  // Closing must not bridge tissue into ink strokes.
  for (let i = 0; i < n; i++) if (ink[i]) mask.data[i] = 0;
  const kept = removeSmallRegions(mask, areaPx(cfg.minRegionUm2));
  mask = fillSmallHoles(kept, areaPx(cfg.maxHoleUm2));
  return { mask, threshold, otsuThreshold: otsu, inkFraction: inkCount / Math.max(1, n), regions: kept.regions };
}
