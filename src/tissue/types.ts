// Data types of tissue localization: options, the binary mask and its geometry.
// Masks are row-major Uint8Array of 0/1, (width, height) in mask pixels.
import type { AnnotationGroups } from '../geometry/annotation-group-defaults.js';

export type UserMaskMode = 'restrict' | 'replace';

export interface TissueOptions {
  /** Resolution the mask is computed at, µm per mask pixel. @default 8 */
  maskMpp?: number;
  /** Median blur size on saturation, in mask pixels (odd). @default 5 */
  medianSize?: number;
  /** Lowest saturation threshold (0–255) Otsu may choose; keeps an empty slide empty. @default 20 */
  saturationFloor?: number;
  /** Morphological closing then opening radius, µm. @default 16 and 8 */
  closeRadiusUm?: number;
  openRadiusUm?: number;
  /** Tissue regions smaller than this are dropped, µm². @default 20000 */
  minRegionUm2?: number;
  /** Holes smaller than this are filled, µm². @default 40000 */
  maxHoleUm2?: number;
  /** Reject blue, green and black pen ink. @default true */
  rejectInk?: boolean;
  /** A user mask (ASAP/CAMELYON XML, GeoJSON, or binary PNG) and how it combines. */
  userMask?: string;
  userMaskMode?: UserMaskMode;
  /** Groups of a polygon user mask that are kept and cut out. @default ANNOTATION_GROUP_DEFAULTS (absent from the config) */
  annotationGroups?: Partial<AnnotationGroups>;
}

export type TissueConfig = Readonly<
  Required<Omit<TissueOptions, 'userMask' | 'annotationGroups'>> & { userMask: string | null; annotationGroups?: AnnotationGroups }
>;

export interface BinaryMask {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface TissueMask extends BinaryMask {
  /** Level-0 pixels per mask pixel along x and y. */
  scaleX: number;
  scaleY: number;
  /** Pyramid level the thumbnail was read from. */
  sourceLevel: number;
  /** Saturation threshold used (0–255) and Otsu's own choice. */
  threshold: number;
  otsuThreshold: number;
  /** Fraction of mask pixels that are tissue, and of pixels rejected as ink. */
  tissueFraction: number;
  inkFraction: number;
  regions: number;
}
