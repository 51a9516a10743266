// Defaults of the pack runner, in a file without heavy imports so the CLI's --help can read them.
export const PACK_RUN_DEFAULTS = Object.freeze({ readConcurrency: 8, batchPatches: 16 });

/**
 * Patches per HDF5 write unless --batch-patches says otherwise: 16, or one chunk where chunks are larger (whole
 * chunks: a partial one is read back and rewritten). Small batches stay in the CPU's cache between the cut, the
 * hash and h5wasm's copy: 16 cost ~1.5 CPU-s less than 128 over 22,679 patches (bench/RESULTS.md, issue 15).
 */
export function defaultBatchPatches(chunkPatches: number): number {
  return Math.ceil(PACK_RUN_DEFAULTS.batchPatches / chunkPatches) * chunkPatches;
}
