// readTiledRegion on a synthetic tile grid: tile crossings, edges, partial edge tiles, missing tiles.

import { expect, test } from 'vitest';
import { readTiledRegion, type TileGrid } from '../../../src/slide/tiff/read-region.js';

// A 10x7 level in 4x3 tiles; pixel (x, y) holds [x, y, 7] and padding in edge tiles holds [0, 0, 0].
const GRID: TileGrid = { width: 10, height: 7, tileWidth: 4, tileHeight: 3 };

async function getTile(column: number, row: number): Promise<Uint8Array | null> {
  if (column === 2 && row === 2) return null;
  const data = new Uint8Array(4 * 3 * 3);
  for (let ty = 0; ty < 3; ty++) {
    for (let tx = 0; tx < 4; tx++) {
      const x = column * 4 + tx;
      const y = row * 3 + ty;
      if (x < GRID.width && y < GRID.height) data.set([x, y, 7], (ty * 4 + tx) * 3);
    }
  }
  return data;
}

function expected(x: number, y: number, w: number, h: number): number[] {
  const out: number[] = [];
  for (let j = y; j < y + h; j++) {
    for (let i = x; i < x + w; i++) {
      const inside = i >= 0 && j >= 0 && i < GRID.width && j < GRID.height && !(i >= 8 && j >= 6);
      out.push(...(inside ? [i, j, 7] : [255, 255, 255]));
    }
  }
  return out;
}

test.each([
  ['inside one tile', 1, 1, 2, 2],
  ['across four tiles', 3, 2, 3, 3],
  ['the whole level', 0, 0, 10, 7],
  ['over the right and bottom edges (partial edge tiles)', 7, 4, 6, 5],
  ['before the origin', -2, -1, 4, 3],
  ['wholly outside', 20, 20, 3, 2],
  ['a single pixel', 9, 6, 1, 1],
])('region %s', async (_name, x, y, w, h) => {
  const image = await readTiledRegion(GRID, x, y, w, h, getTile);
  expect(image.width).toBe(w);
  expect(image.height).toBe(h);
  expect(Array.from(image.data)).toEqual(expected(x, y, w, h));
});
