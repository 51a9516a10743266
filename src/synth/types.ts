// Data types of the synthetic slide generator: options, the planned layout, results and the
// sidecar JSON. Coordinates are (x, y) and sizes (width, height) in level-0 pixels.
import type { Point, Polygon } from '../geometry/index.js';

export type SynthFlavour = 'generic' | 'aperio';
export type CohortFlavour = SynthFlavour | 'mixed';
export type ChromaSubsampling = '4:2:0' | '4:4:4';
export type BigTiffMode = 'auto' | 'always' | 'never';
export type PenColour = 'blue' | 'green' | 'black';

/** Pixel classes of the label raster, painted in this order (later wins). */
export const PIXEL_CLASSES = ['background', 'stroma', 'tumour', 'pen-blue', 'pen-green', 'pen-black'] as const;
export type PixelClass = (typeof PIXEL_CLASSES)[number];

/** What the caller asks for; see SYNTH_DEFAULTS in synth-options.ts for every default. */
export interface SynthSlideOptions {
  /** Output file (.tif for generic, .svs for aperio by convention). Written via a temporary name. */
  path: string;
  /** Level-0 width in pixels. @default 16384 */
  width?: number;
  /** Level-0 height in pixels. @default 12288 */
  height?: number;
  /** Microns per pixel at level 0, x and y alike. @default 0.5 */
  mppX?: number;
  /** Container flavour. @default 'generic' */
  flavour?: SynthFlavour;
  /** PRNG seed; the same options and seed give a byte-identical file. @default 1 */
  seed?: number;
  /** Draw tumour regions (and write their ASAP XML); false makes a normal slide. @default true */
  hasTumour?: boolean;
  /** Draw pen strokes. @default true */
  hasPenMarks?: boolean;
  /** Tile width and height in pixels, a multiple of 16. @default 256 */
  tileSize?: number;
  /** JPEG quality 1–100. @default 85 */
  quality?: number;
  /** JPEG chroma subsampling; sets the YCbCrSubsampling tag to match. @default '4:2:0' */
  chromaSubsampling?: ChromaSubsampling;
  /** Classic TIFF unless offsets need 64 bits ('auto'), or force one. @default 'auto' */
  bigTiff?: BigTiffMode;
  /** JPEG encodes in flight. @default 4 */
  concurrency?: number;
  /** Sidecar JSON path. @default '<dir>/<stem>.geometry.json' */
  sidecarPath?: string;
  /** ASAP XML path for tumour polygons; not written when omitted or when the slide has no tumour. */
  annotationsPath?: string;
}

/** Normalized, frozen options. */
export interface SynthSlideConfig extends Required<Omit<SynthSlideOptions, 'annotationsPath'>> {
  annotationsPath: string | null;
}

/** A pen stroke: a centre line of a given width, and the outline polygon actually painted. */
export interface PenStroke {
  colour: PenColour;
  widthPx: number;
  path: Point[];
  outline: Polygon;
}

/** Everything drawn on the slide, as geometry. */
export interface SlideLayout {
  width: number;
  height: number;
  /** Tissue pieces (group "Tissue"); extra rings are holes (tears, fat). */
  tissue: Polygon[];
  /** Tumour regions inside tissue (name "Tumor N", group "Tumor"); empty on normal slides. */
  tumours: Polygon[];
  pens: PenStroke[];
}

export interface LevelSpec {
  width: number;
  height: number;
  downsample: number;
}

/** Points (up to 3 per class, per pen) centred in a 64 x 64 px level-0 window wholly of that class (pens: a window of 60% of the stroke width). */
export interface SamplePoints {
  background: Point[];
  stroma: Point[];
  tumour: Point[];
  pen: { colour: PenColour; point: Point }[];
}

/** The sidecar JSON written next to each slide. */
export interface SynthSidecar {
  schemaVersion: 1;
  slide: { file: string; flavour: SynthFlavour; width: number; height: number; mppX: number; mppY: number; seed: number };
  levels: LevelSpec[];
  tissue: Polygon[];
  tumours: Polygon[];
  pens: PenStroke[];
  samples: SamplePoints;
}

export interface SynthSlideResult {
  path: string;
  sidecarPath: string;
  annotationsPath: string | null;
  flavour: SynthFlavour;
  width: number;
  height: number;
  mppX: number;
  seed: number;
  hasTumour: boolean;
  isBigTiff: boolean;
  byteLength: number;
  levels: LevelSpec[];
  /** Tiles written: reused from the texture bank vs composited per pixel. */
  tiles: { total: number; reused: number; composited: number };
  elapsedMs: number;
}

export interface SynthCohortOptions {
  outDir: string;
  /** Number of slides. @default 6 */
  slides?: number;
  width?: number;
  height?: number;
  mppX?: number;
  /** Cohort seed; slide i gets a seed derived from it. @default 1 */
  seed?: number;
  /** 'mixed' alternates generic (.tif) and aperio (.svs). @default 'mixed' */
  flavour?: CohortFlavour;
  tileSize?: number;
  quality?: number;
  concurrency?: number;
  /** Called after each slide, e.g. for progress. */
  onSlide?: (result: SynthSlideResult, index: number) => void;
}

/** Normalized, frozen cohort options. */
export type SynthCohortConfig = Required<Omit<SynthCohortOptions, 'onSlide'>> & Pick<SynthCohortOptions, 'onSlide'>;

export interface CohortEntry {
  file: string;
  stem: string;
  flavour: SynthFlavour;
  hasTumour: boolean;
  seed: number;
  width: number;
  height: number;
  mppX: number;
  byteLength: number;
  isBigTiff: boolean;
  levels: LevelSpec[];
  /** Relative to the cohort folder; null for normal slides. */
  annotations: string | null;
  sidecar: string;
}

/** cohort.json */
export interface CohortManifest {
  schemaVersion: 1;
  generator: 'wsi-hpc synth';
  seed: number;
  slides: CohortEntry[];
}

export interface SynthCohortResult {
  outDir: string;
  manifestPath: string;
  manifest: CohortManifest;
  elapsedMs: number;
}
