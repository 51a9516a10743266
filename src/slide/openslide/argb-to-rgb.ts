// Converts OpenSlide's premultiplied ARGB (uint32 per pixel) to our interleaved RGB, composited over the
// background colour: transparent pixels (outside the scanned area or the slide) become the background, as the
// native reader's white outside the level, and a partly covered edge pixel is blended with it. Pure.

/** Background of `openslide.background-color` ("RRGGBB"), else white. */
export function parseBackground(hex: string | undefined): [number, number, number] {
  if (hex === undefined || !/^[0-9a-f]{6}$/i.test(hex)) return [255, 255, 255];
  const value = Number.parseInt(hex, 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

/**
 * RGB (width*height*3) of premultiplied ARGB `argb` over `background`: c + round(bg * (255 - a) / 255) per channel
 * (for white exactly c + 255 - a; alpha 255 keeps c, alpha 0 gives the background).
 */
export function argbToRgb(argb: Uint32Array, background: readonly [number, number, number]): Uint8Array {
  const out = new Uint8Array(argb.length * 3);
  const [br, bg, bb] = background;
  for (let i = 0, j = 0; i < argb.length; i++, j += 3) {
    const value = argb[i];
    const a = value >>> 24;
    const r = (value >>> 16) & 0xff;
    const g = (value >>> 8) & 0xff;
    const b = value & 0xff;
    if (a === 255) {
      out[j] = r;
      out[j + 1] = g;
      out[j + 2] = b;
    } else {
      const rest = 255 - a;
      out[j] = r + Math.floor((br * rest + 127) / 255);
      out[j + 1] = g + Math.floor((bg * rest + 127) / 255);
      out[j + 2] = b + Math.floor((bb * rest + 127) / 255);
    }
  }
  return out;
}
