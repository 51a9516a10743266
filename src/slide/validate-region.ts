// Checks a readRegion request against a slide's levels; shared by every reader so all reject alike.

import { OptionError } from '../errors.js';
import type { SlideInfo } from './types.js';

/** Largest region one call may return (width*height), 1 GiB of RGB. */
export const MAX_REGION_PIXELS = Math.floor(2 ** 30 / 3);

function describe(value: unknown): string {
  return `\`${String(value)}\` (${typeof value})`;
}

/** Throw OptionError unless `level` exists, x/y are integers and width/height positive integers within MAX_REGION_PIXELS. */
export function validateRegion(info: SlideInfo, level: number, x: number, y: number, width: number, height: number): void {
  const last = info.levels.length - 1;
  if (!Number.isInteger(level) || level < 0 || level > last) {
    throw new OptionError(`Expected \`level\` to be an integer between 0 and ${last} for ${info.path}, received ${describe(level)}`);
  }
  for (const [name, value] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (!Number.isSafeInteger(value)) throw new OptionError(`Expected \`${name}\` to be an integer, received ${describe(value)}`);
  }
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new OptionError(`Expected \`${name}\` to be a positive integer, received ${describe(value)}`);
    }
  }
  if (width * height > MAX_REGION_PIXELS) {
    throw new OptionError(
      `Expected a region of at most ${MAX_REGION_PIXELS} pixels, received ${width}x${height} of level ${level} of ${info.path}`,
      'Read the region in strips of rows, or from a coarser pyramid level',
    );
  }
}
