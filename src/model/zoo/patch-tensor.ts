// Converts RGB uint8 patches (interleaved HWC) to the float32 NCHW batch a card describes:
// ((pixel / 255) - mean) / std per channel. Pure.

/** Write `rgb` (width*height*3 bytes) as image `index` of NCHW batch `out`. */
export function writeNormalizedPatch(
  out: Float32Array,
  index: number,
  rgb: Uint8Array,
  pixels: number,
  mean: readonly number[],
  std: readonly number[],
): void {
  const base = index * 3 * pixels;
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * std[c]);
    const shift = mean[c] / std[c];
    const plane = base + c * pixels;
    for (let p = 0; p < pixels; p++) out[plane + p] = rgb[p * 3 + c] * scale - shift;
  }
}
