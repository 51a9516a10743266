// Binary morphology on 0/1 masks with a square structuring element of radius r (window 2r+1),
// done by libvips through sharp (5-7x faster than a separable JavaScript pass; bench/RESULTS.md).
// In memory only; pixels outside the mask do not count (a border is not eroded away).
import sharp from 'sharp';
import type { BinaryMask } from './types.js';

async function morph(m: BinaryMask, r: number, op: 'dilate' | 'erode'): Promise<BinaryMask> {
  if (r <= 0 || m.width === 0 || m.height === 0) return m;
  // libvips' morphology treats black as foreground, so tissue is encoded as 0.
  const grey = new Uint8Array(m.data.length);
  for (let i = 0; i < grey.length; i++) grey[i] = m.data[i] ? 0 : 255;
  const img = sharp(grey, { raw: { width: m.width, height: m.height, channels: 1 } });
  const { data, info } = await (op === 'dilate' ? img.dilate(r) : img.erode(r))
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(m.data.length);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels] < 128 ? 1 : 0;
  return { width: m.width, height: m.height, data: out };
}

export function dilate(m: BinaryMask, r: number): Promise<BinaryMask> {
  return morph(m, r, 'dilate');
}

export function erode(m: BinaryMask, r: number): Promise<BinaryMask> {
  return morph(m, r, 'erode');
}

export async function close(m: BinaryMask, r: number): Promise<BinaryMask> {
  return erode(await dilate(m, r), r);
}

export async function open(m: BinaryMask, r: number): Promise<BinaryMask> {
  return dilate(await erode(m, r), r);
}
