// `study`: checks every model first (validate-models.ts), then runs plan -> pack -> infer -> merge
// locally for each configuration on a sample of slides (run-config.ts: measured, or reused with its
// stored timings and flagged so), scores accuracy against the annotations (patch and slide ROC AUC,
// CAMELYON16 FROC via evaluate), compares each dense configuration with its sliding twin (|Δp|,
// method-diff.ts), extrapolates to a cohort on a cluster, and writes study.json, study.csv and the
// accuracy-vs-cost frontier (SVG and PNG).
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { WsiHpcError } from '../errors.js';
import { type AnnotationGroups, normalizeAnnotationGroups } from '../geometry/index.js';
import { discoverSlideFiles, readPlan, type SkippedEntry } from '../plan/index.js';
import { runPaths } from '../run/paths.js';
import { writeFileAtomic } from '../util/atomic.js';
import { csvRow } from '../util/csv.js';
import { expectPositiveInt } from '../util/is.js';
import { expandConfigs, parseVary, type StudyConfig } from './configs.js';
import { STUDY_DEFAULTS } from './defaults.js';
import { evaluateRun } from './evaluate.js';
import { extrapolate, type ClusterSize } from './extrapolate.js';
import { compareMethods, slidingTwin } from './method-diff.js';
import { renderFrontierSvg } from './plot.js';
import { readSlideProbabilities } from './read-probabilities.js';
import type { StageTiming } from './run-config.js';
import { type ConfigOutcome, runConfigs, type StudyExecution } from './run-configs.js';
import { studyModels, validateDenseConfigs, validateStudyModels } from './validate-models.js';

export interface StudyOptions extends StudyExecution {
  slides: string[];
  annotations: string;
  model: string;
  vary: string[];
  out: string;
  /** Slides of the input used for the study (first N in path order). @default 4 */
  sample?: number;
  cohortSlides?: number;
  cores?: number;
  /** Tumour and exclusion annotation groups. @default ANNOTATION_GROUP_DEFAULTS */
  groups?: Partial<AnnotationGroups>;
  onLog?: (message: string) => void;
  onWarning?: (message: string) => void;
}

export { STUDY_DEFAULTS };

export interface StudyRow {
  config: string;
  stride: number;
  mpp: number;
  batch: number | null;
  threads: number | null;
  model: string;
  /** The method infer ran (`--vary method`, or what infer's auto chose), and why. */
  method: 'sliding' | 'dense';
  methodReason: string;
  slides: number;
  patches: number;
  patchesPerSlide: number;
  /** True when the timings are the stored ones of an earlier complete run of this configuration. */
  reused: boolean;
  /** When the timings were measured (ISO 8601). */
  measuredAt: string;
  wallSecondsPerSlide: number;
  coreSecondsPerSlide: number;
  bytesPacked: number;
  bytesPackedPerSlide: number;
  /** Dense rows: max and mean |p_dense - p_sliding| against the sliding twin's run; null otherwise. */
  denseMaxAbsDiff: number | null;
  denseMeanAbsDiff: number | null;
  patchAuc: number;
  slideAuc: number;
  froc: number;
  cohortCoreHours: number;
  cohortWallHours: number;
}

export interface StudyResult {
  out: string;
  /** Where the configurations ran: this machine, or SLURM arrays (timings from the task markers). */
  executor: 'local' | 'slurm';
  cluster: ClusterSize;
  table: StudyRow[];
  /** Per configuration, the measured (or reused) seconds of each stage. */
  stages: Record<string, StageTiming[]>;
  /** Entries of the SLIDES folders and globs that discovery did not take, with the reason. */
  skipped: SkippedEntry[];
  files: { json: string; csv: string; svg: string; png: string };
}

async function dirBytes(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let n = 0;
  for (const name of names) n += (await stat(join(dir, name))).size;
  return n;
}

/** Columns filled once every configuration ran. */
type DerivedColumns = 'cohortCoreHours' | 'cohortWallHours' | 'denseMaxAbsDiff' | 'denseMeanAbsDiff';

async function configRow(
  { cfg, card, dir, run }: ConfigOutcome,
  o: StudyOptions,
  groups: AnnotationGroups,
): Promise<{ row: Omit<StudyRow, DerivedColumns>; stages: StageTiming[] }> {
  const plan = await readPlan(runPaths(dir).plan);
  const planned = plan.slides.filter((s) => s.status === 'planned').length;
  const ev = await evaluateRun({ run: dir, annotations: o.annotations, groups, onWarning: o.onWarning });
  const n = Math.max(1, planned);
  const bytesPacked = await dirBytes(runPaths(dir).shardsDir);
  const row = {
    config: cfg.name,
    stride: run.stride,
    mpp: run.mpp,
    batch: cfg.batch,
    threads: cfg.threads,
    model: card.name,
    method: run.method,
    methodReason: run.methodReason,
    slides: planned,
    patches: plan.totals.patches,
    patchesPerSlide: plan.totals.patches / n,
    reused: run.isReused,
    measuredAt: run.measuredAt,
    wallSecondsPerSlide: run.stages.reduce((a, s) => a + s.wallSeconds, 0) / n,
    coreSecondsPerSlide: run.stages.reduce((a, s) => a + s.coreSeconds, 0) / n,
    bytesPacked,
    bytesPackedPerSlide: bytesPacked / n,
    patchAuc: ev.patchAuc,
    slideAuc: ev.slideAuc,
    froc: ev.froc.score,
  };
  return { row, stages: run.stages };
}

/** Fills |Δp| of each dense row from its run and its sliding twin's (same grids, else a warning). */
async function addMethodDiffs(configs: StudyConfig[], table: StudyRow[], out: string, onWarning?: (m: string) => void): Promise<void> {
  const runs = configs.map((cfg, i) => ({ cfg, method: table[i].method, row: table[i] }));
  for (const dense of runs.filter((r) => r.method === 'dense')) {
    const twin = slidingTwin(dense, runs);
    if (!twin) continue;
    const [d, s] = await Promise.all([dense, twin].map((r) => readSlideProbabilities(join(out, 'configs', r.cfg.name))));
    const diff = compareMethods(d, s);
    for (const w of diff.warnings) onWarning?.(`study: ${dense.cfg.name} vs ${twin.cfg.name}: ${w}`);
    [dense.row.denseMaxAbsDiff, dense.row.denseMeanAbsDiff] = [diff.maxAbsDiff, diff.meanAbsDiff];
  }
}

function csv(rows: StudyRow[]): string {
  const keys = Object.keys(rows[0] ?? {}) as Array<keyof StudyRow>;
  const cell = (v: unknown) => (typeof v === 'number' ? v : v === null ? '' : String(v));
  return `${csvRow(keys)}\n${rows.map((r) => csvRow(keys.map((k) => cell(r[k])))).join('\n')}\n`;
}

export async function runStudy(o: StudyOptions): Promise<StudyResult> {
  const out = resolve(o.out);
  const executor = o.executor ?? 'local';
  const sample = expectPositiveInt('sample', o.sample ?? STUDY_DEFAULTS.sample);
  const cluster: ClusterSize = {
    cohortSlides: expectPositiveInt('cohortSlides', o.cohortSlides ?? STUDY_DEFAULTS.cohortSlides),
    cores: expectPositiveInt('cores', o.cores ?? STUDY_DEFAULTS.cores),
  };
  const configs = expandConfigs(parseVary(o.vary));
  const discovery = await discoverSlideFiles(o.slides);
  const slides = discovery.slides.slice(0, sample);
  if (!slides.length) throw new WsiHpcError('INVALID_OPTION', 'No slides to study');
  const groups = normalizeAnnotationGroups(o.groups);
  // Scoring needs the annotations: a wrong folder fails now, not after the first configuration ran.
  if (!(await stat(resolve(o.annotations)).catch(() => null))?.isDirectory()) {
    throw new WsiHpcError('INVALID_OPTION', `Expected \`--annotations\` to be a folder of annotations, received \`${o.annotations}\``, {
      file: resolve(o.annotations),
      hint: 'Give the folder holding <slide stem>.xml or .geojson files',
    });
  }
  // Before any configuration plans: a model infer would refuse fails the study now, not after plan and pack.
  await validateStudyModels(studyModels(configs, o.model));
  await validateDenseConfigs(configs, o.model);
  const table: StudyRow[] = [];
  const stages: Record<string, StageTiming[]> = {};
  for (const outcome of await runConfigs(configs, slides, o.model, out, o, o.onLog)) {
    const cfg = outcome.cfg;
    const r = await configRow(outcome, o, groups);
    if (r.row.patchesPerSlide === 0)
      o.onWarning?.(`study: ${cfg.name} planned 0 patches on the sample: it has no accuracy, and its cost is that of reading nothing`);
    const x = extrapolate(r.row.coreSecondsPerSlide, r.row.wallSecondsPerSlide, cluster);
    table.push({ ...r.row, cohortCoreHours: x.coreHours, cohortWallHours: x.wallHours, denseMaxAbsDiff: null, denseMeanAbsDiff: null });
    stages[cfg.name] = r.stages;
  }
  await addMethodDiffs(configs, table, out, o.onWarning);
  const files = {
    json: join(out, 'study.json'),
    csv: join(out, 'study.csv'),
    svg: join(out, 'frontier.svg'),
    png: join(out, 'frontier.png'),
  };
  const accuracy = (r: StudyRow) => (Number.isFinite(r.froc) ? r.froc : r.patchAuc);
  const yLabel = table.some((r) => Number.isFinite(r.froc)) ? 'FROC score (CAMELYON16)' : 'patch-level ROC AUC';
  const svg = renderFrontierSvg(
    table.map((r) => ({ label: r.config, cost: r.cohortCoreHours, accuracy: accuracy(r) })),
    `Accuracy vs cost for ${cluster.cohortSlides} slides on ${cluster.cores} cores`,
    yLabel,
  );
  await writeFileAtomic(files.svg, svg);
  await writeFileAtomic(files.png, await sharp(Buffer.from(svg)).png().toBuffer());
  await writeFileAtomic(files.csv, csv(table));
  await writeFileAtomic(
    files.json,
    `${JSON.stringify({ schemaVersion: 1, executor, cluster, sampleSlides: slides, skipped: discovery.skipped, groups, configs, table, stages }, null, 1)}\n`,
  );
  return { out, executor, cluster, table, stages, skipped: discovery.skipped, files };
}
