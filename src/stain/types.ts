// Data types of stain normalization (Macenko): stain vectors in optical-density space and the
// 99th-percentile concentrations that scale them.

/** Unit OD vectors of hematoxylin (he[0]) and eosin (he[1]), each [r, g, b]; and their max concentrations. */
export interface StainModel {
  he: [[number, number, number], [number, number, number]];
  maxC: [number, number];
}

export interface StainParams {
  method: 'macenko';
  /** Where the target came from: "builtin" or an image path. */
  targetSource: string;
  target: StainModel;
}

export interface MacenkoOptions {
  /** Background intensity. @default 240 */
  io?: number;
  /** Minimum OD in every channel for a pixel to count as stained. @default 0.15 */
  beta?: number;
  /** Angle percentile for the extreme stain directions. @default 1 */
  alpha?: number;
}
