// Validates `openSlide` options once and fills in defaults; readers trust the frozen result.
// The only source of the defaults is OPEN_SLIDE_DEFAULTS.

import { OptionError } from '../errors.js';
import type { OpenSlideConfig, OpenSlideOptions } from './types.js';

export const OPEN_SLIDE_DEFAULTS: OpenSlideConfig = Object.freeze({
  mppOverride: null,
  isOverrideOnlyWhenMissing: false,
  cacheBytes: 256 * 1024 * 1024,
  reader: 'auto',
});

const KNOWN_KEYS = Object.keys(OPEN_SLIDE_DEFAULTS);

function describe(value: unknown): string {
  return `\`${String(value)}\` (${typeof value})`;
}

/** Check `options` and return a frozen config with defaults applied. Throws `OptionError`. */
export function normalizeOpenSlideOptions(options: OpenSlideOptions = {}): OpenSlideConfig {
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.includes(key)) {
      const valid = KNOWN_KEYS.map((k) => `\`${k}\` (default ${String(OPEN_SLIDE_DEFAULTS[k as keyof OpenSlideConfig])})`);
      throw new OptionError(`Unknown openSlide option \`${key}\`; valid options are ${valid.join(', ')}`);
    }
  }
  const { mppOverride, isOverrideOnlyWhenMissing, cacheBytes, reader } = options;
  if (reader !== undefined && !['auto', 'native', 'openslide'].includes(reader)) {
    throw new OptionError(`Expected \`reader\` to be auto, native or openslide, received ${describe(reader)}`);
  }
  if (mppOverride !== undefined && !(typeof mppOverride === 'number' && Number.isFinite(mppOverride) && mppOverride > 0)) {
    throw new OptionError(`Expected \`mppOverride\` to be a positive number of microns per pixel, received ${describe(mppOverride)}`);
  }
  if (isOverrideOnlyWhenMissing !== undefined && typeof isOverrideOnlyWhenMissing !== 'boolean') {
    throw new OptionError(`Expected \`isOverrideOnlyWhenMissing\` to be a boolean, received ${describe(isOverrideOnlyWhenMissing)}`);
  }
  if (cacheBytes !== undefined && !(Number.isSafeInteger(cacheBytes) && cacheBytes >= 0)) {
    throw new OptionError(`Expected \`cacheBytes\` to be a non-negative integer, received ${describe(cacheBytes)}`);
  }
  return Object.freeze({
    mppOverride: mppOverride ?? OPEN_SLIDE_DEFAULTS.mppOverride,
    isOverrideOnlyWhenMissing: isOverrideOnlyWhenMissing ?? OPEN_SLIDE_DEFAULTS.isOverrideOnlyWhenMissing,
    cacheBytes: cacheBytes ?? OPEN_SLIDE_DEFAULTS.cacheBytes,
    reader: reader ?? OPEN_SLIDE_DEFAULTS.reader,
  });
}
