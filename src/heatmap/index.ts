// Public entry of the heatmap module: heatmaps, scores, colour overlay and the .npy format.
export { buildHeatmap } from './build-heatmap.js';
export type { Heatmap, HeatmapInput } from './build-heatmap.js';
export { slideScores } from './scores.js';
export type { SlideScores } from './scores.js';
export { colourFor, overlayHeatmap } from './colormap.js';
export { encodeNpyFloat32, decodeNpyFloat32 } from './npy.js';
