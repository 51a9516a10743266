// Cheap deterministic noise for textures: hashed value noise with smooth interpolation, its fractal
// sum, and per-pixel white noise. Pure functions of (seed, x, y).
import { hash3 } from './prng.js';

const lattice = (seed: number, x: number, y: number): number => hash3(seed, x, y) / 4294967296;
const smooth = (t: number): number => t * t * (3 - 2 * t);

/** Value noise in [0, 1) with lattice spacing 1; x and y may be any real numbers. */
export function valueNoise(seed: number, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = smooth(x - ix);
  const fy = smooth(y - iy);
  const top = lattice(seed, ix, iy) * (1 - fx) + lattice(seed, ix + 1, iy) * fx;
  const bottom = lattice(seed, ix, iy + 1) * (1 - fx) + lattice(seed, ix + 1, iy + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** Three octaves of value noise, in [0, 1). */
export function fractalNoise(seed: number, x: number, y: number): number {
  return (valueNoise(seed, x, y) * 4 + valueNoise(seed + 1, x * 2, y * 2) * 2 + valueNoise(seed + 2, x * 4, y * 4)) / 7;
}

/** Zero-mean white noise in about [-1, 1] (triangular), from integer pixel coordinates. */
export function pixelNoise(seed: number, x: number, y: number): number {
  const h = hash3(seed, x, y);
  return ((h & 0xffff) + (h >>> 16)) / 65535 - 1;
}

/**
 * Sample `fn` every `step` pixels over a size x size tile and return a bilinear interpolator, for
 * noise that varies slowly (tens of microns) where per-pixel evaluation would be wasted work.
 */
export function smoothField(size: number, step: number, fn: (x: number, y: number) => number): (x: number, y: number) => number {
  const n = Math.ceil(size / step) + 2;
  const grid = new Float32Array(n * n);
  for (let gy = 0; gy < n; gy++) for (let gx = 0; gx < n; gx++) grid[gy * n + gx] = fn(gx * step, gy * step);
  return (x, y) => {
    const fx = x / step;
    const fy = y / step;
    const ix = Math.floor(fx);
    const iy = Math.floor(fy);
    const tx = fx - ix;
    const ty = fy - iy;
    const i = iy * n + ix;
    const top = grid[i] + (grid[i + 1] - grid[i]) * tx;
    const bottom = grid[i + n] + (grid[i + n + 1] - grid[i + n]) * tx;
    return top + (bottom - top) * ty;
  };
}
