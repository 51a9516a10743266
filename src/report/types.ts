// Data types of the HTML report: what collect.ts reads from a run or study folder and the renderers
// turn into pages. Slide pictures are paths inside the run folder (never read into memory); no behaviour.

/** An image embedded in the page (the study's frontier plot): a data: URI plus its pixel size after downscaling. */
export interface ReportImage {
  dataUri: string;
  width: number;
  height: number;
}

/** One slide's scores from scores.csv (`max` and the mean of the top k patch probabilities). */
export interface ReportScores {
  status: string;
  patches: number | null;
  max: number | null;
  topKMean: number | null;
  /** k of the top-k column (`top10_mean` → 10), or null when the header does not say. */
  topK: number | null;
  mean: number | null;
  regions: number | null;
}

/** A failed pack/infer unit (shard) that holds patches of a slide: why the slide is not merged. */
export interface ReportSlideFailure {
  stage: 'pack' | 'infer' | 'merge';
  unit: string;
  code: string;
  message: string;
}

/** Pictures of a slide as paths relative to the run folder (`qc/<id>.png`), null when the file is absent. */
export interface ReportSlidePictures {
  qc: string | null;
  mask: string | null;
  heatmap: string | null;
}

export interface ReportSlide {
  id: string;
  name: string;
  path: string;
  status: 'planned' | 'failed';
  error: { code: string; message: string; hint?: string } | null;
  format: string | null;
  /** Level-0 size in pixels (width, height), or null when the slide could not be read. */
  width: number | null;
  height: number | null;
  mpp: number | null;
  /** Tissue fraction of the thumbnail, 0–1. */
  tissueFraction: number | null;
  patches: number | null;
  scores: ReportScores | null;
  /** The slide's `--slides-from` columns (plan.json `metadata`), empty when none. */
  metadata: Record<string, string>;
  /** Failed units of this plan whose shards hold the slide's patches. */
  failures: ReportSlideFailure[];
  images: ReportSlidePictures;
}

export type UnitStatus = 'done' | 'failed' | 'missing';

/** One unit of a stage (a shard for pack/infer, the whole run for merge) as its marker says. */
export interface ReportUnit {
  unit: string;
  /** Array task that handles the unit (null for merge). */
  task: number | null;
  status: UnitStatus;
  seconds: number | null;
  host: string | null;
  patches: number | null;
  patchesPerSecond: number | null;
  /** infer only: execution provider, intra-op threads, batch size. */
  provider: string | null;
  threads: number | null;
  batchSize: number | null;
  error: { code: string; message: string; hint?: string } | null;
  /** Log file relative to the run folder (logs/<stage>/<jobId>_<index>.out) when jobs.json names a job. */
  log: { href: string; jobId: string; exists: boolean } | null;
}

export interface ReportStage {
  stage: 'pack' | 'infer' | 'merge';
  units: ReportUnit[];
  counts: Record<UnitStatus, number>;
  /** Sum of unit durations, seconds. */
  totalSeconds: number;
}

export interface ReportRun {
  planHash: string;
  paramsHash: string;
  toolVersion: string;
  /** Flattened plan parameters as (name, value) rows, e.g. ["grid.patchSizePx", "224"]. */
  params: Array<[string, string]>;
  totals: { slides: number; planned: number; failed: number; patches: number; shards: number; bytes: number };
  tasks: number;
  hasJobs: boolean;
  /** Metadata columns of the slide list (plan.json `slideList.columns`, else those the slides carry). */
  metadataColumns: string[];
  slides: ReportSlide[];
  stages: ReportStage[];
}

/** A study folder's study.json rendered generically: its `table` rows and the frontier plot. */
export interface ReportStudy {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  frontier: ReportImage | null;
}

export interface ReportModel {
  title: string;
  /** The folder reported on, as given. */
  folder: string;
  generatedAt: string;
  reportVersion: string;
  run: ReportRun | null;
  study: ReportStudy | null;
}
