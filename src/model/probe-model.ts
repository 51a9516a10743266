// The probe batch validate-for-infer.ts runs through a wrapped model (flat colours and noise), and the
// checks on what comes back. Pure: no ONNX Runtime here.
import type { FeaturesOutput, ModelCard } from './types.js';
import { WRAPPED_STAIN } from './wrap.js';

/** Probe patches in order: flat colours, then seeded noise; a fixed-batch model gets the first N (cycled). */
export const probeNames = ['black', 'white', 'haematoxylin purple', 'noise'] as const;
// Four patches keep the probe near a second even for GoogLeNet-sized models on one thread.
const COLOURS: Array<[number, number, number] | null> = [[0, 0, 0], [255, 255, 255], [110, 60, 150], null];

/** Tolerance on [0, 1] bounds and on row sums of float32 probabilities. */
export const PROBABILITY_TOLERANCE = 1e-3;

export interface ProbeFeeds {
  /** uint8 NHWC [n, p, p, 3]. */
  patches: Uint8Array;
  /** Identity stain matrices [n, 3, 3] when the wrapper has stain normalization, else null. */
  stain: Float32Array | null;
  stainName: string;
}

export function probeFeeds(patchSizePx: number, n: number, hasStainNorm: boolean): ProbeFeeds {
  const per = patchSizePx * patchSizePx * 3;
  const patches = new Uint8Array(n * per);
  let seed = 12345;
  for (let k = 0; k < n; k++) {
    const colour = COLOURS[k % COLOURS.length];
    for (let i = 0; i < per; i++) {
      if (colour) patches[k * per + i] = colour[i % 3];
      else {
        // xorshift32: deterministic noise, same on every run.
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        patches[k * per + i] = seed & 255;
      }
    }
  }
  const stain = hasStainNorm ? Float32Array.from({ length: n * 9 }, (_, i) => (i % 9 === 0 || i % 9 === 4 || i % 9 === 8 ? 1 : 0)) : null;
  return { patches, stain, stainName: WRAPPED_STAIN };
}

const fmt = (row: ArrayLike<number>): string => `[${Array.from(row, (v) => Number(v.toPrecision(4))).join(', ')}]`;

/**
 * What is wrong with the wrapped model's output on the probe batch: shape, class count, and for a card
 * saying `probabilities`, rows outside [0, 1] or not summing to 1. Non-finite rows are left to the
 * per-shard check, which names the patch: a flat colour can be a legitimate numerical edge case, while
 * a softmax is never outside [0, 1] for any input.
 */
export function checkProbeOutput(card: ModelCard, dims: number[], data: Float32Array, n: number): string[] {
  if (card.output.kind === 'features') return checkProbeFeatures(card.output, dims, data, n);
  const output = card.output;
  if (dims.length !== 2 || dims[0] !== n)
    return [`output \`${card.output.name}\` has shape [${dims.join(', ')}] for ${n} patches, expected [${n}, classes]`];
  const classes = dims[1];
  const problems: string[] = [];
  if (classes === 1)
    problems.push(
      'the output has one class: a softmax over one class is always 1, so every patch would score 1; export one column per class',
    );
  if (classes !== output.labels.length)
    problems.push(`the output has ${classes} classes but the card lists ${output.labels.length} labels`);
  if (output.positiveIndex >= classes) problems.push(`positiveIndex ${output.positiveIndex} is past the ${classes} output classes`);
  if (card.output.kind !== 'probabilities' || problems.length > 0) return problems;
  for (let k = 0; k < n; k++) {
    const row = data.subarray(k * classes, (k + 1) * classes);
    if (!row.every(Number.isFinite)) continue;
    const sum = row.reduce((a, v) => a + v, 0);
    const isOutside = row.some((v) => v < -PROBABILITY_TOLERANCE || v > 1 + PROBABILITY_TOLERANCE);
    if (isOutside || Math.abs(sum - 1) > PROBABILITY_TOLERANCE) {
      problems.push(
        `the card says output.kind probabilities, but the ${probeNames[k % probeNames.length]} patch gives ${fmt(row)} (sum ${Number(sum.toPrecision(4))}): ` +
          'probabilities lie in [0, 1] and sum to 1; if these are raw scores set output.kind to logits (wsi-hpc then applies a softmax)',
      );
      break;
    }
  }
  return problems;
}

/**
 * An embedding model's output on the probe batch: shape [n, D] with D the card's output.dim, and every
 * value finite (features have no range to check; a NaN here would be written into every slide's file).
 */
export function checkProbeFeatures(output: FeaturesOutput, dims: number[], data: Float32Array, n: number): string[] {
  if (dims.length !== 2 || dims[0] !== n || dims[1] !== output.dim) {
    const pooling = output.pooling ?? 'none';
    const why = dims.length === 3 && pooling === 'none' ? ' (a token output needs output.pooling cls or mean)' : '';
    return [
      `output \`${output.name}\` with pooling ${pooling} gives shape [${dims.join(', ')}] for ${n} patches, expected [${n}, ${output.dim}] (output.dim)${why}`,
    ];
  }
  for (let k = 0; k < n; k++) {
    const row = data.subarray(k * output.dim, (k + 1) * output.dim);
    const bad = row.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      return [
        `the ${probeNames[k % probeNames.length]} patch gives a non-finite feature (${row[bad]} at index ${bad}); features must be finite numbers`,
      ];
  }
  return [];
}
