// Builds SlideInfo from what OpenSlide reports: levels, vendor, MPP, objective power, all properties. Pure.
// MPP follows the native readers' rule (override > vendor > TIFF resolution > none; see tiff/mpp.ts resolveMpp).

import { isPlausibleMpp, type MppOverride, type ResolvedMpp } from '../tiff/mpp.js';
import type { LevelInfo, SlideInfo } from '../types.js';

/** One level as OpenSlide gives it (openslide_get_level_dimensions / _downsample). */
export interface OpenSlideLevel {
  width: number;
  height: number;
  downsample: number;
}

/** Default tile size when OpenSlide does not say (`openslide.level[N].tile-width` is OpenSlide 3.4+, per format). */
export const DEFAULT_TILE_PX = 256;

function positiveInt(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

function numberOrNull(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

// OpenSlide's tiff.ResolutionUnit / tiff.XResolution / tiff.YResolution, read as tiff/mpp.ts mppFromResolution reads the tags.
function mppFromTiffProperties(props: Record<string, string>): { mppX: number; mppY: number } | null {
  const unit = props['tiff.ResolutionUnit'];
  const micronsPerUnit = unit === 'inch' ? 25_400 : unit === 'centimeter' ? 10_000 : null;
  const xRes = numberOrNull(props['tiff.XResolution']);
  const yRes = numberOrNull(props['tiff.YResolution']);
  if (micronsPerUnit === null || !xRes || !yRes) return null;
  const mppX = micronsPerUnit / xRes;
  const mppY = micronsPerUnit / yRes;
  return isPlausibleMpp(mppX) && isPlausibleMpp(mppY) ? { mppX, mppY } : null;
}

/** MPP of an OpenSlide slide: override as resolveMpp, then openslide.mpp-x/y, then TIFF resolution, else none. */
export function resolveOpenSlideMpp(config: MppOverride, props: Record<string, string>): ResolvedMpp {
  const vendorX = numberOrNull(props['openslide.mpp-x']);
  const vendorY = numberOrNull(props['openslide.mpp-y']);
  const fromTags = mppFromTiffProperties(props);
  const fromFile: ResolvedMpp =
    isPlausibleMpp(vendorX) && isPlausibleMpp(vendorY)
      ? { mppX: vendorX, mppY: vendorY, mppSource: 'openslide' }
      : fromTags !== null
        ? { ...fromTags, mppSource: 'tiff-resolution' }
        : { mppX: null, mppY: null, mppSource: 'none' };
  const { mppOverride } = config;
  if (mppOverride === null || (config.isOverrideOnlyWhenMissing && fromFile.mppSource !== 'none')) return fromFile;
  return { mppX: mppOverride, mppY: mppOverride, mppSource: 'override' };
}

/** SlideInfo of a slide OpenSlide opened. `ifd` is -1: OpenSlide does not expose TIFF directories. */
export function buildOpenSlideInfo(
  path: string,
  levels: OpenSlideLevel[],
  props: Record<string, string>,
  config: MppOverride,
  detectedVendor: string | null,
): SlideInfo {
  const levelInfos: LevelInfo[] = levels.map((l, index) => ({
    index,
    width: l.width,
    height: l.height,
    downsample: l.downsample,
    tileWidth: positiveInt(props[`openslide.level[${index}].tile-width`], DEFAULT_TILE_PX),
    tileHeight: positiveInt(props[`openslide.level[${index}].tile-height`], DEFAULT_TILE_PX),
    compression: 'unknown',
    ifd: -1,
  }));
  const power = numberOrNull(props['openslide.objective-power']);
  return {
    path,
    format: 'openslide',
    vendor: props['openslide.vendor'] ?? detectedVendor ?? 'unknown',
    isBigTiff: false,
    levels: levelInfos,
    ...resolveOpenSlideMpp(config, props),
    objectivePower: power !== null && power > 0 ? power : null,
    associated: [],
    description: props['tiff.ImageDescription'] ?? '',
    properties: Object.freeze({ ...props }),
    backend: 'openslide',
  };
}
