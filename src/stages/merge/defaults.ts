// Defaults of merge, in a file without heavy imports so the CLI's --help can read them.
export const MERGE_DEFAULTS = Object.freeze({ topK: 10, threshold: 0.5 });
