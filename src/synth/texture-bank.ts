// A bank of pre-rendered, pre-encoded texture tiles per pixel class and pyramid level. Level 0 is
// rendered; each lower level is a 4 x 4 mosaic of the level above, box-filtered, so nuclei shrink
// and finally blend into the mean colour exactly as a downsampled real slide would.
import pLimit from 'p-limit';
import type { JpegEncoder } from './encode-jpeg.js';
import { hashInts } from './prng.js';
import type { Rng } from './prng.js';
import { renderTexture } from './texture.js';
import { PIXEL_CLASSES } from './types.js';
import type { PixelClass } from './types.js';

/** Variants per class and level: more hides repetition, fewer starts faster. */
export const BANK_VARIANTS = 6;

export interface BankLevel {
  /** raw[classId][variant]: RGB, tileSize x tileSize. */
  raw: Uint8Array[][];
  /** jpeg[classId][variant]: the same tile encoded. */
  jpeg: Buffer[][];
}

/** Build `levelCount` bank levels, downsample 4 apart, encoding with up to `concurrency` in flight. */
export async function buildTextureBank(
  rng: Rng,
  levelCount: number,
  tileSize: number,
  mppX: number,
  encode: JpegEncoder,
  concurrency: number,
): Promise<BankLevel[]> {
  const limit = pLimit(concurrency);
  const rawLevels: Uint8Array[][][] = [];
  const fibreAngle = rng.fork('fibres').range(0, Math.PI);
  const render = (cls: PixelClass, v: number) => renderTexture(cls, rng.fork(`${cls}/${v}`), tileSize, mppX, fibreAngle);
  rawLevels.push(PIXEL_CLASSES.map((cls) => Array.from({ length: BANK_VARIANTS }, (_, v) => render(cls, v))));
  for (let level = 1; level < levelCount; level++) {
    const above = rawLevels[level - 1];
    const mosaicRng = rng.fork(`mosaic/${level}`);
    rawLevels.push(above.map((variants) => Array.from({ length: BANK_VARIANTS }, () => downsampleMosaic(variants, tileSize, mosaicRng))));
  }
  return Promise.all(
    rawLevels.map(async (raw) => ({
      raw,
      jpeg: await Promise.all(raw.map((variants) => Promise.all(variants.map((tile) => limit(() => encode(tile)))))),
    })),
  );
}

/** Which variant tile (col, row) of `level` uses for class `classId`: stateless, so order-independent. */
export function pickVariant(seed: number, level: number, col: number, row: number, classId: number): number {
  return hashInts(seed, level, col, row, classId) % BANK_VARIANTS;
}

// Average 4 x 4 pixel blocks of a 4 x 4 mosaic of random variants into one tile.
function downsampleMosaic(variants: Uint8Array[], size: number, rng: Rng): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  const sub = size / 4;
  for (let my = 0; my < 4; my++) {
    for (let mx = 0; mx < 4; mx++) {
      const src = variants[rng.int(0, variants.length - 1)];
      for (let oy = 0; oy < sub; oy++) {
        for (let ox = 0; ox < sub; ox++) {
          const o = ((my * sub + oy) * size + mx * sub + ox) * 3;
          for (let c = 0; c < 3; c++) {
            let sum = 0;
            for (let dy = 0; dy < 4; dy++) {
              const base = ((oy * 4 + dy) * size + ox * 4) * 3 + c;
              sum += src[base] + src[base + 3] + src[base + 6] + src[base + 9];
            }
            out[o + c] = (sum + 8) >> 4;
          }
        }
      }
    }
  }
  return out;
}
