// QC pictures: the thumbnail with the tissue outline (green) and the kept patches (blue
// squares) drawn on it, and the binary mask as a PNG. Drawing is pure; sharp encodes in memory.
import sharp from 'sharp';
import type { RgbImage } from '../slide/index.js';
import type { BinaryMask } from './types.js';

export interface QcGrid {
  coords: Int32Array;
  footprintLevel0: number;
  /** Level-0 pixels per thumbnail pixel. */
  scaleX: number;
  scaleY: number;
}

const OUTLINE = [0, 200, 0] as const;
const PATCH = [30, 60, 220] as const;

function blend(data: Uint8Array, i: number, rgb: readonly number[], alpha: number): void {
  for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(data[i * 3 + c] * (1 - alpha) + rgb[c] * alpha);
}

/** QC pictures of small slides are enlarged (nearest neighbour) to at least this long side. */
export const QC_MIN_LONG_SIDE = 800;

function enlarge<T extends { width: number; height: number; data: Uint8Array }>(img: T, k: number, channels: number): T {
  if (k === 1) return img;
  const w = img.width * k;
  const h = img.height * k;
  const data = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const src = (Math.floor(y / k) * img.width + Math.floor(x / k)) * channels;
      for (let c = 0; c < channels; c++) data[(y * w + x) * channels + c] = img.data[src + c];
    }
  }
  return { ...img, width: w, height: h, data };
}

export function drawQc(thumbnailIn: RgbImage, maskIn: BinaryMask, gridIn: QcGrid | null): RgbImage {
  const k = Math.max(1, Math.floor(QC_MIN_LONG_SIDE / Math.max(thumbnailIn.width, thumbnailIn.height)));
  const thumbnail = enlarge(thumbnailIn, k, 3);
  const mask = enlarge(maskIn, k, 1);
  const grid = gridIn && { ...gridIn, scaleX: gridIn.scaleX / k, scaleY: gridIn.scaleY / k };
  const { width: w, height: h } = thumbnail;
  const data = thumbnail.data.slice();
  if (grid) {
    for (let p = 0; p < grid.coords.length / 2; p++) {
      const x0 = Math.round(grid.coords[2 * p] / grid.scaleX);
      const y0 = Math.round(grid.coords[2 * p + 1] / grid.scaleY);
      const x1 = Math.min(w - 1, Math.round((grid.coords[2 * p] + grid.footprintLevel0) / grid.scaleX) - 1);
      const y1 = Math.min(h - 1, Math.round((grid.coords[2 * p + 1] + grid.footprintLevel0) / grid.scaleY) - 1);
      for (let x = x0; x <= x1; x++) {
        if (y0 < h) blend(data, y0 * w + x, PATCH, 0.6);
        if (y1 >= 0) blend(data, y1 * w + x, PATCH, 0.6);
      }
      for (let y = y0; y <= y1; y++) {
        if (x0 < w) blend(data, y * w + x0, PATCH, 0.6);
        if (x1 >= 0) blend(data, y * w + x1, PATCH, 0.6);
      }
    }
  }
  // Outline: tissue pixels with a background 4-neighbour (or on the border).
  if (mask.width === w && mask.height === h) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (!mask.data[i]) continue;
        const edge =
          x === 0 ||
          y === 0 ||
          x === w - 1 ||
          y === h - 1 ||
          !mask.data[i - 1] ||
          !mask.data[i + 1] ||
          !mask.data[i - w] ||
          !mask.data[i + w];
        if (edge) blend(data, i, OUTLINE, 1);
      }
    }
  }
  return { width: w, height: h, data };
}

export async function encodeRgbPng(image: RgbImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

export async function encodeMaskPng(mask: BinaryMask): Promise<Buffer> {
  const gray = new Uint8Array(mask.data.length);
  for (let i = 0; i < gray.length; i++) gray[i] = mask.data[i] ? 255 : 0;
  return sharp(gray, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}
