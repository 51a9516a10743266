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
