// Public entry point of the synth module: synthetic pyramidal slides and cohorts, and the TIFF writer.
export { synthSlide } from './synth-slide.js';
export { synthPhilipsSlide } from './synth-philips.js';
export type { PhilipsSidecar, SynthPhilipsOptions, SynthPhilipsResult } from './synth-philips.js';
export { PHILIPS_SOFTWARE, philipsDescription, pixelSpacingMm, planPhilipsLevels } from './philips-xml.js';
export type { PhilipsLevel } from './philips-xml.js';
export { synthCohort, cohortSlidePlan, COHORT_MANIFEST } from './synth-cohort.js';
export { SYNTH_DEFAULTS, COHORT_DEFAULTS, normalizeSynthSlideOptions, normalizeSynthCohortOptions } from './synth-options.js';
export { planLayout } from './plan-layout.js';
export { planLevels } from './plan-levels.js';
export { paintLabels, CLASS_ID } from './label-raster.js';
export { TiffWriter } from './tiff-writer.js';
export type { BigTiffChoice, BlockRef, TiffImageSpec } from './tiff-writer.js';
export { PIXEL_CLASSES } from './types.js';
export type {
  BigTiffMode,
  ChromaSubsampling,
  CohortEntry,
  CohortFlavour,
  CohortManifest,
  LevelSpec,
  PenColour,
  PenStroke,
  PixelClass,
  SamplePoints,
  SlideLayout,
  SynthCohortConfig,
  SynthCohortOptions,
  SynthCohortResult,
  SynthFlavour,
  SynthSidecar,
  SynthSlideConfig,
  SynthSlideOptions,
  SynthSlideResult,
} from './types.js';
