// Composites one tile that straddles a class boundary: each pixel's class comes from the layout
// rasterized at the tile's own resolution, its colour from that class's bank texture.
import type { BankLevel } from './texture-bank.js';
import { pickVariant } from './texture-bank.js';
import { paintLabels } from './label-raster.js';
import type { SlideLayout } from './types.js';

export interface TileAddress {
  seed: number;
  level: number;
  downsample: number;
  col: number;
  row: number;
  tileSize: number;
}

/** RGB pixels of tile (col, row) of a level, tileSize x tileSize. */
export function compositeTile(layout: SlideLayout, bank: BankLevel, at: TileAddress): Uint8Array {
  const size = at.tileSize;
  const labels = paintLabels(layout, size, size, 1 / at.downsample, at.col * size, at.row * size);
  const sources = bank.raw.map((variants, classId) => variants[pickVariant(at.seed, at.level, at.col, at.row, classId)]);
  const out = new Uint8Array(size * size * 3);
  for (let p = 0; p < size * size; p++) {
    const src = sources[labels[p]];
    const i = p * 3;
    out[i] = src[i];
    out[i + 1] = src[i + 1];
    out[i + 2] = src[i + 2];
  }
  return out;
}
