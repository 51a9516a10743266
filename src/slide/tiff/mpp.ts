// Microns per pixel from TIFF resolution tags, the plausibility window, and how the final value is chosen
// (override > vendor > TIFF resolution > none). Aperio's own MPP is parsed in aperio-description.ts.

import type { MppSource } from '../types.js';
import type { TiffDirectory } from './types.js';

/** Values outside this window (µm/px) are treated as missing, e.g. libvips' default 10 px/cm. */
export const PLAUSIBLE_MPP = { min: 0.05, max: 50 } as const;

export function isPlausibleMpp(mpp: number | null): mpp is number {
  return mpp !== null && Number.isFinite(mpp) && mpp >= PLAUSIBLE_MPP.min && mpp <= PLAUSIBLE_MPP.max;
}

/** µm/px in x and y from XResolution/YResolution and ResolutionUnit 2 (inch) or 3 (cm); null when absent or implausible. */
export function mppFromResolution(dir: TiffDirectory): { mppX: number; mppY: number } | null {
  const micronsPerUnit = dir.resolutionUnit === 2 ? 25_400 : dir.resolutionUnit === 3 ? 10_000 : null;
  if (micronsPerUnit === null || !dir.xResolution || !dir.yResolution) return null;
  const mppX = micronsPerUnit / dir.xResolution;
  const mppY = micronsPerUnit / dir.yResolution;
  return isPlausibleMpp(mppX) && isPlausibleMpp(mppY) ? { mppX, mppY } : null;
}

export interface ResolvedMpp {
  mppX: number | null;
  mppY: number | null;
  mppSource: MppSource;
}

export interface MppOverride {
  mppOverride: number | null;
  isOverrideOnlyWhenMissing: boolean;
}

/** A vendor's MPP: one value for both axes (Aperio), or x and y (OME-XML). */
export type VendorMpp = number | { mppX: number; mppY: number } | null;

function mppFromFile(vendorMpp: VendorMpp, vendorSource: MppSource, dir: TiffDirectory): ResolvedMpp {
  const [x, y] = typeof vendorMpp === 'number' || vendorMpp === null ? [vendorMpp, vendorMpp] : [vendorMpp.mppX, vendorMpp.mppY];
  if (isPlausibleMpp(x) && isPlausibleMpp(y)) return { mppX: x, mppY: y, mppSource: vendorSource };
  const fromTags = mppFromResolution(dir);
  if (fromTags !== null) return { ...fromTags, mppSource: 'tiff-resolution' };
  return { mppX: null, mppY: null, mppSource: 'none' };
}

/** Pick the MPP: an override wins (or only fills a gap), then the vendor's value, then TIFF resolution, else none. */
export function resolveMpp(config: MppOverride, vendorMpp: VendorMpp, vendorSource: MppSource, dir: TiffDirectory): ResolvedMpp {
  const { mppOverride } = config;
  const fromFile = mppFromFile(vendorMpp, vendorSource, dir);
  if (mppOverride === null || (config.isOverrideOnlyWhenMissing && fromFile.mppSource !== 'none')) return fromFile;
  return { mppX: mppOverride, mppY: mppOverride, mppSource: 'override' };
}
