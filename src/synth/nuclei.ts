// Draws cell nuclei (antialiased ellipses with chromatin texture and an optional nucleolus) into
// a float RGB tile, wrapping around the edges so a texture tile has no half-empty border.
import { pixelNoise } from './noise.js';
import type { Rng } from './prng.js';

export type Rgb = readonly [number, number, number];

export interface NucleusStyle {
  /** Nuclei per square micron. */
  densityPerUm2: number;
  /** Range of the equivalent radius in microns (diameter 6–12 µm means 3–6). */
  radiusUm: readonly [number, number];
  /** Range of the major/minor axis ratio. */
  elongation: readonly [number, number];
  colour: Rgb;
  /** Opacity of the stain over the ground, 0–1. */
  opacity: number;
  /** Dark dot inside (tumour nuclei), or null. */
  nucleolus: Rgb | null;
}

/** Draw every nucleus of `style` into `tile` (float RGB, size x size), at `pxPerUm` pixels per micron. */
export function drawNuclei(rng: Rng, tile: Float32Array, size: number, pxPerUm: number, style: NucleusStyle): void {
  const areaUm2 = (size / pxPerUm) ** 2;
  const count = Math.round(areaUm2 * style.densityPerUm2 * rng.range(0.85, 1.15));
  const noiseSeed = rng.int(0, 2 ** 31);
  for (let n = 0; n < count; n++) {
    const radius = rng.range(style.radiusUm[0], style.radiusUm[1]) * pxPerUm;
    const elong = rng.range(style.elongation[0], style.elongation[1]);
    const a = radius * Math.sqrt(elong);
    const b = radius / Math.sqrt(elong);
    const angle = rng.range(0, Math.PI);
    const shade = rng.range(0.8, 1.1);
    const colour: Rgb = [style.colour[0] * shade, style.colour[1] * shade, style.colour[2] * shade];
    const cx = rng.range(0, size);
    const cy = rng.range(0, size);
    drawEllipse(tile, size, cx, cy, a, b, angle, colour, style.opacity, noiseSeed + n);
    if (style.nucleolus && a > 2) {
      const off = rng.range(-0.3, 0.3) * b;
      drawEllipse(tile, size, cx + off, cy - off, 0.18 * a, 0.18 * a, 0, style.nucleolus, 0.8, noiseSeed - n);
    }
  }
}

function drawEllipse(
  tile: Float32Array,
  size: number,
  cx: number,
  cy: number,
  a: number,
  b: number,
  angle: number,
  colour: Rgb,
  opacity: number,
  noiseSeed: number,
): void {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const reach = Math.ceil(a + 1);
  const edge = Math.max(1, Math.min(a, b));
  for (let dy = -reach; dy <= reach; dy++) {
    const py = Math.floor(cy) + dy;
    const y = py + 0.5 - cy;
    const row = ((py % size) + size) % size;
    for (let dx = -reach; dx <= reach; dx++) {
      const px = Math.floor(cx) + dx;
      const x = px + 0.5 - cx;
      const u = (x * cos + y * sin) / a;
      const v = (-x * sin + y * cos) / b;
      const d = Math.sqrt(u * u + v * v);
      const coverage = Math.min(1, Math.max(0, (1 - d) * edge + 0.5));
      if (coverage <= 0) continue;
      const chromatin = 0.88 + 0.18 * pixelNoise(noiseSeed, px, py) + (d > 0.75 ? -0.08 : 0);
      const alpha = coverage * opacity;
      const i = (row * size + (((px % size) + size) % size)) * 3;
      for (let c = 0; c < 3; c++) tile[i + c] = tile[i + c] * (1 - alpha) + colour[c] * chromatin * alpha;
    }
  }
}
