// Public entry point of the slide module: named re-exports only.

export { NATIVE_VENDORS, OPENSLIDE_ONLY_EXTENSIONS, openSlide } from './open-slide.js';
export { getOpenSlide, OPENSLIDE_ENV, OPENSLIDE_INSTALL_HINT, type OpenSlideLoad } from './openslide/load-library.js';
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
