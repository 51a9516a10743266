// Writes one pyramid level's tiles in row-major order: a tile wholly inside one class reuses that
// class's pre-encoded bank bytes (written again, offsets are never shared); a tile on a boundary is
// composited and encoded, with bounded concurrency, and still written in order.
import pLimit from 'p-limit';
import { markOutlineCells } from '../geometry/index.js';
import { compositeTile } from './composite-tile.js';
import type { JpegEncoder } from './encode-jpeg.js';
import { boundaryPolygons, paintLabels } from './label-raster.js';
import type { BankLevel } from './texture-bank.js';
import { pickVariant } from './texture-bank.js';
import type { BlockRef, TiffWriter } from './tiff-writer.js';
import type { LevelSpec, SlideLayout } from './types.js';

export interface WriteLevelInput {
  writer: TiffWriter;
  layout: SlideLayout;
  bank: BankLevel;
  level: LevelSpec;
  levelIndex: number;
  tileSize: number;
  seed: number;
  encode: JpegEncoder;
  concurrency: number;
  /** Receives every tile's RGB pixels (e.g. to assemble a thumbnail); called in row-major order. */
  onTilePixels?: (col: number, row: number, rgb: Uint8Array) => void;
}

export interface WriteLevelResult {
  blocks: BlockRef[];
  reused: number;
  composited: number;
}

export async function writeLevel(input: WriteLevelInput): Promise<WriteLevelResult> {
  const { layout, level, tileSize } = input;
  const cols = Math.ceil(level.width / tileSize);
  const rows = Math.ceil(level.height / tileSize);
  // One sample per tile centre gives the class of every tile that no outline touches.
  const scale = 1 / (tileSize * level.downsample);
  const tileClass = paintLabels(layout, cols, rows, scale);
  const onBoundary = markOutlineCells(boundaryPolygons(layout), cols, rows, scale);
  const limit = pLimit(input.concurrency);
  const inFlight: Promise<Uint8Array>[] = [];
  const result: WriteLevelResult = { blocks: [], reused: 0, composited: 0 };
  const drain = async () => {
    const bytes = await inFlight.shift();
    if (bytes) result.blocks.push(await input.writer.writeBlock(bytes));
  };
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const cell = row * cols + col;
      if (onBoundary[cell]) {
        result.composited++;
        const address = { seed: input.seed, level: input.levelIndex, downsample: level.downsample, col, row, tileSize };
        const rgb = compositeTile(layout, input.bank, address);
        input.onTilePixels?.(col, row, rgb);
        inFlight.push(limit(() => input.encode(rgb)));
      } else {
        result.reused++;
        const classId = tileClass[cell];
        const variant = pickVariant(input.seed, input.levelIndex, col, row, classId);
        input.onTilePixels?.(col, row, input.bank.raw[classId][variant]);
        inFlight.push(Promise.resolve(input.bank.jpeg[classId][variant]));
      }
      if (inFlight.length >= input.concurrency * 4) await drain();
    }
  }
  while (inFlight.length > 0) await drain();
  return result;
}
