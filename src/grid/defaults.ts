// Defaults and validation of grid options: the one source of truth for the CLI and docs.
import { OptionError } from '../errors.js';
import { expectInRange, expectPositiveInt, expectPositiveNumber } from '../util/is.js';
import type { GridConfig, GridOptions } from './types.js';

export const GRID_DEFAULTS = Object.freeze({ patchSizePx: 224, targetMpp: 0.5, minTissue: 0.25 });

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
