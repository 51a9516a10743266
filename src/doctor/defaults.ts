// Defaults of `wsi-hpc doctor`, importable without loading any check (so --help stays fast).

/** Time limit per check and per command a check runs, seconds. */
export const DOCTOR_DEFAULTS = Object.freeze({ timeoutS: 10 });
