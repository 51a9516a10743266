// Renders one full-resolution texture tile per pixel class: glass, eosin stroma with fibres and
// sparse nuclei, tumour with dense dark nuclei, pen ink. Colours are H&E-like RGB; sizes in microns.
import { drawNuclei } from './nuclei.js';
import type { NucleusStyle, Rgb } from './nuclei.js';
import { fractalNoise, pixelNoise, smoothField } from './noise.js';
import type { Rng } from './prng.js';
import type { PixelClass } from './types.js';

const GLASS: Rgb = [243, 243, 246];
const STROMA_GAP: Rgb = [247, 212, 230];
const STROMA_FIBRE: Rgb = [224, 132, 178];
const CYTOPLASM: Rgb = [214, 168, 208];
const INK: Record<'pen-blue' | 'pen-green' | 'pen-black', Rgb> = {
  'pen-blue': [46, 74, 168],
  'pen-green': [42, 128, 84],
  'pen-black': [38, 38, 46],
};

const STROMA_NUCLEI: NucleusStyle[] = [
  { densityPerUm2: 1 / 1400, radiusUm: [3, 5], elongation: [2, 3.5], colour: [104, 68, 150], opacity: 0.85, nucleolus: null },
  { densityPerUm2: 1 / 2600, radiusUm: [3, 3.8], elongation: [1, 1.2], colour: [88, 52, 138], opacity: 0.9, nucleolus: null },
];
const TUMOUR_NUCLEI: NucleusStyle[] = [
  { densityPerUm2: 1 / 130, radiusUm: [4.5, 7], elongation: [1, 1.6], colour: [74, 42, 120], opacity: 0.92, nucleolus: [40, 18, 78] },
];

/**
 * A `size` x `size` RGB tile of `cls` at level 0, where one pixel is `mppX` microns. Fibres run at
 * `fibreAngle` (radians) in every stroma variant, so neighbouring tiles differ in phase, not direction.
 */
export function renderTexture(cls: PixelClass, rng: Rng, size: number, mppX: number, fibreAngle: number): Uint8Array {
  const tile = new Float32Array(size * size * 3);
  const pxPerUm = 1 / mppX;
  const seed = rng.int(0, 2 ** 31);
  switch (cls) {
    case 'background':
      fill(tile, size, (x, y) => shade(GLASS, 1 + 0.006 * pixelNoise(seed, x, y)));
      break;
    case 'stroma':
      paintFibres(tile, size, pxPerUm, seed, fibreAngle);
      for (const style of STROMA_NUCLEI) drawNuclei(rng, tile, size, pxPerUm, style);
      break;
    case 'tumour': {
      const mottle = smoothField(size, 4, (x, y) => fractalNoise(seed, x / pxPerUm / 12, y / pxPerUm / 12));
      fill(tile, size, (x, y) => shade(CYTOPLASM, 0.93 + 0.12 * mottle(x, y)));
      for (const style of TUMOUR_NUCLEI) drawNuclei(rng, tile, size, pxPerUm, style);
      break;
    }
    default: {
      const ink = INK[cls];
      const mottle = smoothField(size, 8, (x, y) => fractalNoise(seed, x / pxPerUm / 25, y / pxPerUm / 25));
      fill(tile, size, (x, y) => shade(ink, 0.9 + 0.2 * mottle(x, y)));
    }
  }
  return toBytes(tile, size, seed);
}

// Wavy collagen fibres: a sine across `angle`, its phase warped by fractal noise, ~5 µm period.
function paintFibres(tile: Float32Array, size: number, pxPerUm: number, seed: number, angle: number): void {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const period = 7 * pxPerUm;
  const warp = smoothField(size, 4, (x, y) => 3.5 * fractalNoise(seed, x / pxPerUm / 40, y / pxPerUm / 40));
  const patchy = smoothField(size, 4, (x, y) => 0.6 + 0.4 * fractalNoise(seed + 7, x / pxPerUm / 15, y / pxPerUm / 15));
  fill(tile, size, (x, y) => {
    const fibre = (0.5 + 0.5 * Math.sin(2 * Math.PI * ((x * cos + y * sin) / period + warp(x, y)))) ** 2;
    const density = 0.35 + 0.5 * fibre * patchy(x, y);
    return mix(STROMA_GAP, STROMA_FIBRE, density);
  });
}

function fill(tile: Float32Array, size: number, colourAt: (x: number, y: number) => Rgb): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = colourAt(x, y);
      const i = (y * size + x) * 3;
      tile[i] = c[0];
      tile[i + 1] = c[1];
      tile[i + 2] = c[2];
    }
  }
}

function shade(c: Rgb, k: number): Rgb {
  return [c[0] * k, c[1] * k, c[2] * k];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

// Quantize with a little luminance noise, as a scanner's sensor adds.
function toBytes(tile: Float32Array, size: number, seed: number): Uint8Array {
  const out = new Uint8Array(tile.length);
  for (let p = 0; p < size * size; p++) {
    const grain = 2 * pixelNoise(seed + 99, p % size, Math.floor(p / size));
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.max(0, Math.min(255, Math.round(tile[p * 3 + c] + grain)));
  }
  return out;
}
