// Defaults of the pack runner, in a file without heavy imports so the CLI's --help can read them.
export const PACK_RUN_DEFAULTS = Object.freeze({ readConcurrency: 8, batchPatches: 128 });
