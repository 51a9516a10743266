// Pixels of an SVS's associated images: thumbnail (resized overview), label (white card with a
// pseudo 2D barcode and text bars) and macro (label beside the slide on grey glass). RGB, in memory.
import sharp from 'sharp';
import { createRng } from './prng.js';

export interface RgbPixels {
  width: number;
  height: number;
  data: Uint8Array;
}

export const THUMBNAIL_PX = 768;
const LABEL_PX = 400;

/** Fit `image` inside `maxWidth` x `maxHeight`, keeping the aspect ratio. */
export async function resizeInside(image: RgbPixels, maxWidth: number, maxHeight: number): Promise<RgbPixels> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ width: maxWidth, height: maxHeight, fit: 'inside', kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

function blank(width: number, height: number, rgb: readonly [number, number, number]): RgbPixels {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(rgb, p * 3);
  return { width, height, data };
}

function fillRect(image: RgbPixels, x: number, y: number, w: number, h: number, rgb: readonly [number, number, number]): void {
  for (let yy = Math.max(0, y); yy < Math.min(image.height, y + h); yy++) {
    for (let xx = Math.max(0, x); xx < Math.min(image.width, x + w); xx++) image.data.set(rgb, (yy * image.width + xx) * 3);
  }
}

function paste(target: RgbPixels, source: RgbPixels, x: number, y: number): void {
  for (let row = 0; row < source.height; row++) {
    const from = row * source.width * 3;
    target.data.set(source.data.subarray(from, from + source.width * 3), ((y + row) * target.width + x) * 3);
  }
}

/** A slide label: a 12 x 12 module pseudo-DataMatrix and a few lines of "text". */
export function renderLabel(seed: number): RgbPixels {
  const rng = createRng(seed).fork('label');
  const label = blank(LABEL_PX, LABEL_PX, [250, 250, 248]);
  const module = 12;
  for (let my = 0; my < 12; my++) {
    for (let mx = 0; mx < 12; mx++) {
      const solid = mx === 0 || my === 11 || (my === 0 && mx % 2 === 0) || (mx === 11 && my % 2 === 1) || rng.next() < 0.5;
      if (solid) fillRect(label, 40 + mx * module, 40 + my * module, module, module, [20, 20, 20]);
    }
  }
  for (let line = 0; line < 5; line++) {
    let x = 40;
    while (x < LABEL_PX - 60) {
      const w = rng.int(10, 50);
      fillRect(label, x, 220 + line * 30, Math.min(w, LABEL_PX - 40 - x), 14, [30, 30, 60]);
      x += w + rng.int(6, 14);
    }
  }
  return label;
}

/** The macro photo: the label on the left, the slide overview on the right, on grey glass. */
export async function renderMacro(label: RgbPixels, overview: RgbPixels): Promise<RgbPixels> {
  const height = LABEL_PX;
  const macro = blank(3 * height, height, [226, 226, 230]);
  paste(macro, label, 0, 0);
  const slide = await resizeInside(overview, 2 * height - 40, height - 40);
  paste(macro, slide, height + 20 + Math.floor((2 * height - 40 - slide.width) / 2), 20 + Math.floor((height - 40 - slide.height) / 2));
  return macro;
}
