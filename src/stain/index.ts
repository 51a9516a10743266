// Public entry of the stain module: Macenko stain estimation and the normalizing transfer matrix.
export { fitMacenko, transferMatrix, percentile, opticalDensity, BUILTIN_TARGET, MACENKO_DEFAULTS } from './macenko.js';
export type { StainModel, StainParams, MacenkoOptions } from './types.js';
