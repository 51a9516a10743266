// Assembles a region of one tiled level from its tiles: crosses tile boundaries, pads outside the level
// (and the unused part of edge tiles) with white. Pure apart from the tile getter it is given.

import type { RgbImage } from '../types.js';

/** Geometry of one tiled level, in pixels. */
export interface TileGrid {
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
}

/** Returns the RGB of tile (column, row), tileWidth*tileHeight*3 bytes, or null for a missing (white) tile. */
export type TileGetter = (column: number, row: number) => Promise<Uint8Array | null>;

/** Read (x, y, width, height) of the level described by `grid`; the caller has validated the request. */
export async function readTiledRegion(
  grid: TileGrid,
  x: number,
  y: number,
  width: number,
  height: number,
  getTile: TileGetter,
): Promise<RgbImage> {
  const data = new Uint8Array(width * height * 3).fill(255);
  const { tileWidth: tw, tileHeight: th } = grid;
  const x0 = Math.max(x, 0);
  const y0 = Math.max(y, 0);
  const x1 = Math.min(x + width, grid.width);
  const y1 = Math.min(y + height, grid.height);
  if (x0 >= x1 || y0 >= y1) return { width, height, data };
  const jobs: Promise<void>[] = [];
  for (let row = Math.floor(y0 / th); row * th < y1; row++) {
    for (let column = Math.floor(x0 / tw); column * tw < x1; column++) {
      jobs.push(
        getTile(column, row).then((tile) => {
          if (tile === null) return;
          // Intersection of this tile with the visible part of the request, in level coordinates.
          const left = Math.max(column * tw, x0);
          const right = Math.min((column + 1) * tw, x1);
          const top = Math.max(row * th, y0);
          const bottom = Math.min((row + 1) * th, y1);
          const rowBytes = (right - left) * 3;
          for (let ly = top; ly < bottom; ly++) {
            const from = ((ly - row * th) * tw + (left - column * tw)) * 3;
            const to = ((ly - y) * width + (left - x)) * 3;
            data.set(tile.subarray(from, from + rowBytes), to);
          }
        }),
      );
    }
  }
  await Promise.all(jobs);
  return { width, height, data };
}
