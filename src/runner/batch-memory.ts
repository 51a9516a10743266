// Refuses an inference batch whose tensors cannot fit in this machine's memory, before a model is
// loaded: batch x patch² x 3 channels x 4 bytes (float32) x an activation factor. Pure apart from os.
import { freemem, totalmem } from 'node:os';
import { WsiHpcError } from '../errors.js';
import { formatBytes } from '../cli/format.js';

/**
 * Working memory per input byte: the float32 input plus the first feature maps of a GoogLeNet or
 * ResNet (64 channels at half resolution hold ~5x the input), rounded down: a lower bound, so a
 * refused batch would certainly not fit.
 */
export const ACTIVATION_FACTOR = 8;

export interface BatchMemory {
  /** Estimated bytes of one batch: batch x patchSizePx² x 3 x 4 x ACTIVATION_FACTOR. */
  bytes: number;
  /** Set when the estimate exceeds the memory free now (but not the total). */
  warning?: string;
}

export function batchBytes(batchSize: number, patchSizePx: number): number {
  return batchSize * patchSizePx * patchSizePx * 3 * 4 * ACTIVATION_FACTOR;
}

/** Throws RESOURCE_LIMIT (exit 2) when the batch exceeds the machine's memory; warns above the free memory. */
export function checkBatchMemory(batchSize: number, patchSizePx: number, memory = { total: totalmem(), free: freemem() }): BatchMemory {
  const bytes = batchBytes(batchSize, patchSizePx);
  const figure = `${batchSize} x ${patchSizePx}² x 3 x 4 bytes x ${ACTIVATION_FACTOR} = ${formatBytes(bytes)}`;
  // The largest power-of-two batch that fits in half the memory, as a suggestion.
  let fits = 1;
  while (batchBytes(fits * 2, patchSizePx) <= memory.total / 2) fits *= 2;
  if (bytes > memory.total) {
    throw new WsiHpcError(
      'RESOURCE_LIMIT',
      `--batch-size ${batchSize} needs at least ${formatBytes(bytes)} for its tensors (${figure}) but this machine has ${formatBytes(memory.total)} of memory`,
      { hint: `Use --batch-size ${fits} or less (larger batches rarely run faster on CPU; 16-64 is typical)` },
    );
  }
  if (bytes > memory.free) {
    return {
      bytes,
      warning: `--batch-size ${batchSize} needs at least ${formatBytes(bytes)} (${figure}); only ${formatBytes(memory.free)} of memory is free now (try --batch-size ${fits})`,
    };
  }
  return { bytes };
}
