// A perceptually ordered colour map for probabilities (viridis-like control points, linear
// interpolation between them), and the overlay of a heatmap on a slide thumbnail. Pure.
import type { RgbImage } from '../slide/index.js';
import type { Heatmap } from './build-heatmap.js';

const STOPS: Array<[number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

export function colourFor(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const f = t - i;
  return [0, 1, 2].map((c) => Math.round(STOPS[i][c] * (1 - f) + STOPS[i + 1][c] * f)) as [number, number, number];
}

export interface OverlayGeometry {
  /** Level-0 pixels per thumbnail pixel. */
  scaleX: number;
  scaleY: number;
}

/** Blend the heatmap over the thumbnail where the tissue mask is set and a value exists. */
export function overlayHeatmap(thumbnail: RgbImage, mask: Uint8Array, heatmap: Heatmap, g: OverlayGeometry, alpha = 0.55): RgbImage {
  const { width: w, height: h } = thumbnail;
  const data = thumbnail.data.slice();
  for (let y = 0; y < h; y++) {
    const hy = Math.min(heatmap.height - 1, Math.floor(((y + 0.5) * g.scaleY) / heatmap.cellLevel0));
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!mask[i]) continue;
      const hx = Math.min(heatmap.width - 1, Math.floor(((x + 0.5) * g.scaleX) / heatmap.cellLevel0));
      const v = heatmap.values[hy * heatmap.width + hx];
      if (!Number.isFinite(v)) continue;
      const c = colourFor(v);
      for (let k = 0; k < 3; k++) data[i * 3 + k] = Math.round(data[i * 3 + k] * (1 - alpha) + c[k] * alpha);
    }
  }
  return { width: w, height: h, data };
}
