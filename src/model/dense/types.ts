// Data types of dense inference: a patch classifier turned fully convolutional, the heatmap grid
// it produces for a window, and the shift-and-stitch plan. No behaviour here.
import type { ModelCard } from '../types.js';

/** A model that maps an NCHW window of any edge >= patchSizePx to a logit map [N, classes, H', W']. */
export interface DenseModel {
  /** ONNX bytes; input `card.input.name` [N, C, 'H', 'W'], output `card.output.name` [N, classes, 'Hc', 'Wc']. */
  bytes: Uint8Array;
  /** The patch card with `isFullyConvolutional: true` and `output.kind: 'logits'` (a trailing Softmax is dropped). */
  card: ModelCard;
  patchSizePx: number;
  /** Total stride S of the network in input pixels: output cell (i, j) is the patch at (i*S, j*S) (x, y). */
  totalStridePx: number;
  /** Edge of the last feature map for one patch (7 for GoogLeNet/ResNet-18 at 224 px). */
  featureEdge: number;
  classes: number;
  /** The head that was replaced, e.g. "GlobalAveragePool → Flatten → Gemm", or "none (card says fully convolutional)". */
  replacedHead: string;
}

/** Per-class scores on a regular grid of patch positions over a window. */
export interface HeatmapGrid {
  /** Cells along x (width) and y (height); cell (i, j) is the patch whose top-left corner is (i*stridePx, j*stridePx) in the window. */
  width: number;
  height: number;
  stridePx: number;
  patchSizePx: number;
  classes: number;
  /** Class-planar [classes][height][width]; null when the model outputs probabilities. */
  logits: Float32Array | null;
  /** Class-planar [classes][height][width], softmax over classes (or the model's own probabilities). */
  probabilities: Float32Array;
  /** Forward passes (`session.run` calls) the grid took. */
  runs: number;
}

/** One axis of a shift-and-stitch run: a crop [startPx, startPx + lengthPx) and the grid cells it yields. */
export interface AxisRun {
  startPx: number;
  lengthPx: number;
  /** `cells[k] = [gridIndex, denseIndex]`: grid cell gridIndex is dense output cell denseIndex of this crop. */
  cells: [number, number][];
}

/** The dense runs that cover a grid: every (x run, y run) pair is one forward pass. */
export interface ShiftPlan {
  gridWidth: number;
  gridHeight: number;
  xRuns: AxisRun[];
  yRuns: AxisRun[];
  /** Pixels fed to the dense model over all runs, and what one call per cell would feed: a cost guide. */
  densePixels: number;
  slidingPixels: number;
}
