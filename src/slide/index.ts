// Public entry point of the slide module: named re-exports only.

export { openSlide } from './open-slide.js';
export { OPEN_SLIDE_DEFAULTS, normalizeOpenSlideOptions } from './options.js';
export { ArraySlideReader, type ArraySlideOptions } from './readers/array.js';
export type {
  AssociatedImageInfo,
  Compression,
  LevelInfo,
  MppSource,
  OpenSlideConfig,
  OpenSlideOptions,
  RgbImage,
  SlideFormat,
  SlideBackend,
  ReaderChoice,
  SlideInfo,
  SlideReader,
} from './types.js';
