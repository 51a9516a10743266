// Defaults of `study`, free of heavy imports so that the CLI's --help can read them.

/** Sample slides, and the cohort and cluster the costs are extrapolated to (the published study: 399 slides, 4,000 cores). */
export const STUDY_DEFAULTS = Object.freeze({ sample: 4, cohortSlides: 399, cores: 4000 });
