// Pen-ink rejection: blue and green marker hues and near-black strokes are not tissue.
// H&E lies in the pink-to-purple hues (about 260°–360° and 0°–20°), which this leaves alone. Pure.
import type { RgbImage } from '../slide/index.js';

export const INK_RULES = Object.freeze({
  /** Hue ranges in degrees treated as marker ink when saturated. */
  blueHue: [170, 250] as const,
  greenHue: [65, 170] as const,
  minInkSaturation: 45,
  /** Brightness (max channel, 0–255) below which a pixel is black ink. */
  maxBlackValue: 60,
});

export function hueDegrees(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  if (d === 0) return 0;
  let h: number;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  h *= 60;
  return h < 0 ? h + 360 : h;
}

/** 1 where a pixel looks like pen ink. */
export function inkMask(image: RgbImage): Uint8Array {
  const { width, height, data } = image;
  const out = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const r = data[i * 3];
    const g = data[i * 3 + 1];
    const b = data[i * 3 + 2];
    const max = Math.max(r, g, b);
    if (max < INK_RULES.maxBlackValue) {
      out[i] = 1;
      continue;
    }
    const sat = max === 0 ? 0 : ((max - Math.min(r, g, b)) * 255) / max;
    if (sat < INK_RULES.minInkSaturation) continue;
    const h = hueDegrees(r, g, b);
    if ((h >= INK_RULES.blueHue[0] && h < INK_RULES.blueHue[1]) || (h >= INK_RULES.greenHue[0] && h < INK_RULES.greenHue[1])) out[i] = 1;
  }
  return out;
}
