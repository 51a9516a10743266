// The stain-normalization target chosen at plan time: Macenko's reference H&E, or the stains
// fitted on a user's reference image.
import { resolve } from 'node:path';
import sharp from 'sharp';
import { OptionError } from '../../errors.js';
import { BUILTIN_TARGET, fitMacenko, type StainParams } from '../../stain/index.js';

export async function resolveStainTarget(method: 'none' | 'macenko', target: string): Promise<StainParams | null> {
  if (method === 'none') return null;
  if (method !== 'macenko')
    throw new OptionError(`Expected \`stainNorm\` to be one of \`none\`, \`macenko\`, received \`${String(method)}\``);
  if (target === 'builtin') return { method, targetSource: 'builtin', target: BUILTIN_TARGET };
  const file = resolve(target);
  let pixels: Buffer;
  try {
    pixels = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer();
  } catch (err) {
    throw new OptionError(
      `Could not read the stain target image \`${file}\`: ${(err as Error).message}`,
      'Give a PNG/JPEG/TIFF of well-stained H&E tissue, or `builtin`',
    );
  }
  const fit = fitMacenko(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.length));
  if (!fit)
    throw new OptionError(
      `The stain target image \`${file}\` has too few stained pixels to fit H&E stains`,
      'Crop it to tissue, or use `builtin`',
    );
  return { method, targetSource: file, target: fit };
}
