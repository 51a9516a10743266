// Extrapolation of a configuration's measured cost to a cohort on a cluster: core-hours from
// core-seconds per slide, wall hours with the cohort spread over `cores` (ideal scaling; the
// published study: 399 slides, 4,000 cores). Pure.

export interface ClusterSize {
  cohortSlides: number;
  cores: number;
}

export interface Extrapolation {
  coreHours: number;
  wallHours: number;
  /** Wall hours can never beat one slide's own wall time per task. */
  wallHoursFloor: number;
}

export function extrapolate(coreSecondsPerSlide: number, wallSecondsPerSlide: number, c: ClusterSize): Extrapolation {
  const coreHours = (coreSecondsPerSlide * c.cohortSlides) / 3600;
  const wallHoursFloor = wallSecondsPerSlide / 3600;
  return { coreHours, wallHours: Math.max(coreHours / c.cores, wallHoursFloor), wallHoursFloor };
}
