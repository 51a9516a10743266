// Grid masks for the grid tests: a width x height mask at `scale` level-0 px per mask px, each
// pixel from `fill(x, y)` (255 = tissue).
import type { GridMask } from '../../src/grid/index.js';

export function mask(width: number, height: number, scale: number, fill: (x: number, y: number) => number): GridMask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = fill(x, y);
  return { width, height, data, scaleX: scale, scaleY: scale };
}
