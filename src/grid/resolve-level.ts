// Picks the pyramid level for a target MPP: a level within 10% is read as is; otherwise the
// coarsest finer level is read larger and resized down (or level 0 upsampled). Pure.
import { OptionError, WsiHpcError } from '../errors.js';
import type { GridConfig, LevelChoice } from './types.js';

/** A level whose MPP is within this ratio of the target is used without resampling. */
export const LEVEL_MPP_TOLERANCE = 0.1;

export interface PyramidShape {
  /** Downsample of each level, level 0 first (1). */
  downsamples: number[];
  /** Level-0 µm/px, or null when unknown. */
  mpp: number | null;
  file?: string;
}

export function resolveLevel(pyramid: PyramidShape, cfg: GridConfig): LevelChoice {
  const { downsamples, mpp } = pyramid;
  if (cfg.level !== null) {
    if (cfg.level >= downsamples.length) {
      throw new OptionError(`Expected \`level\` to be below ${downsamples.length} (the slide's level count), received \`${cfg.level}\``);
    }
    const ds = downsamples[cfg.level];
    const levelMpp = mpp === null ? null : mpp * ds;
    return {
      level: cfg.level,
      downsample: ds,
      levelMpp,
      patchMpp: levelMpp,
      readSizePx: cfg.patchSizePx,
      resampled: false,
      upsampled: false,
    };
  }
  const target = cfg.targetMpp as number;
  if (mpp === null) {
    throw new WsiHpcError(
      'MPP_MISSING',
      `${pyramid.file ?? 'slide'}: the slide records no microns-per-pixel, needed to read patches at ${target} µm/px`,
      {
        file: pyramid.file,
        hint: 'Give the scanner resolution with --slide-mpp (e.g. 0.25 for 40x, 0.5 for 20x), or read at a fixed --level',
      },
    );
  }
  let nearest = 0;
  for (let i = 1; i < downsamples.length; i++) {
    if (Math.abs(Math.log((mpp * downsamples[i]) / target)) < Math.abs(Math.log((mpp * downsamples[nearest]) / target))) nearest = i;
  }
  const nearestMpp = mpp * downsamples[nearest];
  if (Math.abs(nearestMpp / target - 1) <= LEVEL_MPP_TOLERANCE) {
    return {
      level: nearest,
      downsample: downsamples[nearest],
      levelMpp: nearestMpp,
      patchMpp: nearestMpp,
      readSizePx: cfg.patchSizePx,
      resampled: false,
      upsampled: false,
    };
  }
  // Coarsest level still finer than the target, so we only ever shrink.
  let finer = -1;
  for (let i = 0; i < downsamples.length; i++) if (mpp * downsamples[i] < target) finer = i;
  const level = finer === -1 ? 0 : finer;
  const levelMpp = mpp * downsamples[level];
  const readSizePx = Math.max(1, Math.round((cfg.patchSizePx * target) / levelMpp));
  return { level, downsample: downsamples[level], levelMpp, patchMpp: target, readSizePx, resampled: true, upsampled: finer === -1 };
}
