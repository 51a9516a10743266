// Defaults and validation of grid options: the one source of truth for the CLI and docs.
import { OptionError } from '../errors.js';
import { expectInRange, expectPositiveInt, expectPositiveNumber } from '../util/is.js';
import type { GridConfig, GridOptions } from './types.js';

export const GRID_DEFAULTS = Object.freeze({ patchSizePx: 224, targetMpp: 0.5, minTissue: 0.25 });

/**
 * Hard limits checked before a grid is laid (plan fails the slide with GRID_TOO_LARGE; --max-grid-patches
 * overrides). The largest scans (~150k x 100k px at 0.25 µm/px, i.e. 75k x 50k at 0.5 µm/px) fully
 * covered by tissue at the smallest stride plan does not warn about (1/8 of a 224 px patch, 28 px) give
 * about 4.8 M patches; 20 M is four times that, a 229 MiB grid file, ~250 core-hours of pack and
 * inference at the rates of bench/RESULTS.md, and a plan process of about 0.6 GB (measured: 353 MB peak
 * RSS for 9.8 M patches, 20000 x 15000 slide at --stride 2; the grid builder holds 12 bytes per patch kept).
 */
export const GRID_LIMITS = Object.freeze({ maxPatchesPerSlide: 20_000_000 });

export function normalizeGridOptions(raw: GridOptions = {}): GridConfig {
  const patchSizePx = expectPositiveInt('patchSizePx', raw.patchSizePx ?? GRID_DEFAULTS.patchSizePx);
  if (raw.level !== undefined && raw.targetMpp !== undefined) {
    throw new OptionError('Give either `level` or `targetMpp` (--level or --mpp), not both');
  }
  let level: number | null = null;
  if (raw.level !== undefined) {
    if (!Number.isInteger(raw.level) || raw.level < 0) {
      throw new OptionError(`Expected \`level\` to be a non-negative integer, received \`${raw.level}\` (${typeof raw.level})`);
    }
    level = raw.level;
  }
  const targetMpp = level === null ? expectPositiveNumber('targetMpp', raw.targetMpp ?? GRID_DEFAULTS.targetMpp) : null;
  const stridePx = expectPositiveInt('stridePx', raw.stridePx ?? patchSizePx);
  const minTissue = expectInRange('minTissue', raw.minTissue ?? GRID_DEFAULTS.minTissue, 0, 1);
  return Object.freeze({ patchSizePx, targetMpp, level, stridePx, minTissue });
}
