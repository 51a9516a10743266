// Tissue localization of one slide: thumbnail at the mask resolution, automatic detection,
// optional user mask, and the summary numbers the plan records.
import type { SlideReader } from '../slide/index.js';
import { readThumbnail, type Thumbnail } from './thumbnail.js';
import { detectTissue } from './detect.js';
import { applyUserMask } from './user-mask.js';
import { countRegions } from './components.js';
import type { TissueConfig, TissueMask } from './types.js';

/** Assumed level-0 µm/px when a slide records none (the mask only needs a rough scale). */
export const ASSUMED_MPP = 0.5;

export interface LocalizedTissue {
  mask: TissueMask;
  thumbnail: Thumbnail;
  /** Level-0 µm/px used for physical sizes, and whether it was assumed. */
  mpp: number;
  isMppAssumed: boolean;
}

export async function localizeTissue(reader: SlideReader, cfg: TissueConfig): Promise<LocalizedTissue> {
  const known = reader.info.mppX;
  const mpp = known ?? ASSUMED_MPP;
  const thumbnail = await readThumbnail(reader, mpp, cfg.maskMpp);
  const umPerPixel = (mpp * (thumbnail.scaleX + thumbnail.scaleY)) / 2;
  const detection = await detectTissue(thumbnail.image, umPerPixel, cfg);
  let binary = detection.mask;
  if (cfg.userMask) {
    const geometry = { width: binary.width, height: binary.height, scaleX: thumbnail.scaleX, scaleY: thumbnail.scaleY };
    binary = await applyUserMask(binary, cfg.userMask, geometry, cfg.userMaskMode, cfg.annotationGroups);
  }
  let ones = 0;
  for (let i = 0; i < binary.data.length; i++) ones += binary.data[i];
  const mask: TissueMask = {
    ...binary,
    scaleX: thumbnail.scaleX,
    scaleY: thumbnail.scaleY,
    sourceLevel: thumbnail.sourceLevel,
    threshold: detection.threshold,
    otsuThreshold: detection.otsuThreshold,
    tissueFraction: ones / Math.max(1, binary.data.length),
    inkFraction: detection.inkFraction,
    regions: cfg.userMask ? countRegions(binary) : detection.regions,
  };
  return { mask, thumbnail, mpp, isMppAssumed: known === null };
}
