// Data types of the slide module: what a pyramid looks like and how regions come back.
// Coordinates are always (x, y) and sizes (width, height), in pixels of the level named.

/** `openslide` slides carry OpenSlide's vendor (philips, hamamatsu, mirax, leica, ventana, ...) in `vendor`. */
export type SlideFormat = 'aperio-svs' | 'generic-tiff' | 'openslide';
/** `unknown`: OpenSlide does not say how a level is compressed. */
export type Compression = 'jpeg' | 'deflate' | 'lzw' | 'none' | 'packbits' | 'webp' | 'zstd' | 'unknown';
export type MppSource = 'aperio' | 'ome' | 'tiff-resolution' | 'openslide' | 'override' | 'none';
/** Which code reads a slide: the built-in TIFF reader, or the system's OpenSlide library through koffi. */
export type SlideBackend = 'native' | 'openslide';
/** `auto`: native where it reads the file (and OpenSlide finds no other vendor), else OpenSlide. */
export type ReaderChoice = 'auto' | SlideBackend;

export interface LevelInfo {
  /** Index in the pyramid, 0 = full resolution. */
  index: number;
  width: number;
  height: number;
  /** Level-0 width / this width (and height likewise; we keep the mean). */
  downsample: number;
  tileWidth: number;
  tileHeight: number;
  compression: Compression;
  /** TIFF IFD index this level was read from (for a SubIFD level: its parent's). */
  ifd: number;
  /** SubIFD levels (OME-TIFF, `vips --subifd`): the position among the parent IFD's SubIFDs, as vips' `subifd=`. */
  subIfd?: number;
}

export interface AssociatedImageInfo {
  name: 'thumbnail' | 'label' | 'macro' | string;
  width: number;
  height: number;
  ifd: number;
}

export interface SlideInfo {
  path: string;
  format: SlideFormat;
  /** Vendor string, e.g. "aperio" or "generic-tiff". */
  vendor: string;
  isBigTiff: boolean;
  levels: LevelInfo[];
  /** Microns per pixel at level 0, or null when unknown. */
  mppX: number | null;
  mppY: number | null;
  mppSource: MppSource;
  /** Objective power when the file says (Aperio AppMag). */
  objectivePower: number | null;
  associated: AssociatedImageInfo[];
  /** Raw ImageDescription of the first IFD, for provenance. */
  description: string;
  /** Vendor key = value pairs (Aperio ImageDescription), keys as OpenSlide names them without the vendor prefix. */
  properties?: Readonly<Record<string, string>>;
  /** The backend that read the slide (readers built before the OpenSlide backend leave it out: native). */
  backend?: SlideBackend;
}

/** Interleaved RGB uint8, row-major, width*height*3 bytes. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Options of `openSlide`. */
export interface OpenSlideOptions {
  /** Microns per pixel at level 0 to use instead of what the file says (or does not say). @default undefined */
  mppOverride?: number;
  /** Use `mppOverride` only when the file itself has no plausible MPP. @default false */
  isOverrideOnlyWhenMissing?: boolean;
  /** Upper bound, in bytes of decoded RGB, of the tile cache; 0 disables caching. @default 268435456 (256 MiB) */
  cacheBytes?: number;
  /** Backend: `native`, `openslide`, or `auto` (see ReaderChoice). @default 'auto' */
  reader?: ReaderChoice;
}

/** `OpenSlideOptions` after validation, defaults filled in. */
export interface OpenSlideConfig {
  readonly mppOverride: number | null;
  readonly isOverrideOnlyWhenMissing: boolean;
  readonly cacheBytes: number;
  readonly reader: ReaderChoice;
}

export interface SlideReader {
  readonly info: SlideInfo;
  /** Read a region in level coordinates; pixels outside the level are white. */
  readRegion(level: number, x: number, y: number, width: number, height: number): Promise<RgbImage>;
  close(): Promise<void>;
}
