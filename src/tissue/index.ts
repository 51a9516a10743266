// Public entry of the tissue module: low-resolution tissue masks, contours and QC pictures.
export { normalizeTissueOptions, TISSUE_DEFAULTS } from './defaults.js';
export { localizeTissue, ASSUMED_MPP } from './localize.js';
export type { LocalizedTissue } from './localize.js';
export { detectTissue, saturation } from './detect.js';
export { readThumbnail, chooseThumbnailLevel } from './thumbnail.js';
export type { Thumbnail } from './thumbnail.js';
export { inkMask, INK_RULES } from './ink.js';
export { otsuThreshold, histogram, tissueThreshold } from './otsu.js';
export type { TissueThreshold } from './otsu.js';
export { dilate, erode, open, close } from './morphology.js';
export { removeSmallRegions, fillSmallHoles, countRegions } from './components.js';
export { maskToGeoJson, traceMask } from './contours.js';
export type { TissueFeatureCollection } from './contours.js';
export { drawQc, encodeRgbPng, encodeMaskPng } from './qc.js';
export { readUserMask, combineMasks, applyUserMask, MAX_MASK_ASPECT_MISMATCH } from './user-mask.js';
export type { TissueOptions, TissueConfig, TissueMask, BinaryMask, UserMaskMode } from './types.js';
