// Binary morphology on 0/1 masks with a square structuring element of radius r
// (window 2r+1), separable and O(pixels) whatever the radius. Pure.
import type { BinaryMask } from './types.js';

function pass(src: Uint8Array, w: number, h: number, r: number, horizontal: boolean, isDilate: boolean): Uint8Array {
  const out = new Uint8Array(w * h);
  const lines = horizontal ? h : w;
  const len = horizontal ? w : h;
  const step = horizontal ? 1 : w;
  for (let line = 0; line < lines; line++) {
    const base = horizontal ? line * w : line;
    // Running count of ones in the window [i-r, i+r]; outside the image counts as background.
    let count = 0;
    for (let i = 0; i < Math.min(r, len); i++) count += src[base + i * step];
    for (let i = 0; i < len; i++) {
      const add = i + r;
      if (add < len) count += src[base + add * step];
      const drop = i - r - 1;
      if (drop >= 0) count -= src[base + drop * step];
      const lo = Math.max(0, i - r);
      const hi = Math.min(len - 1, i + r);
      out[base + i * step] = isDilate ? (count > 0 ? 1 : 0) : count === hi - lo + 1 ? 1 : 0;
    }
  }
  return out;
}

export function dilate(m: BinaryMask, r: number): BinaryMask {
  if (r <= 0) return m;
  const a = pass(m.data, m.width, m.height, r, true, true);
  return { width: m.width, height: m.height, data: pass(a, m.width, m.height, r, false, true) };
}

export function erode(m: BinaryMask, r: number): BinaryMask {
  if (r <= 0) return m;
  const a = pass(m.data, m.width, m.height, r, true, false);
  return { width: m.width, height: m.height, data: pass(a, m.width, m.height, r, false, false) };
}

export function close(m: BinaryMask, r: number): BinaryMask {
  return erode(dilate(m, r), r);
}

export function open(m: BinaryMask, r: number): BinaryMask {
  return dilate(erode(m, r), r);
}
