// `study`: runs plan -> pack -> infer -> merge locally for each configuration on a sample of slides,
// measures patches, wall and core-seconds per slide and bytes packed, scores accuracy against the
// annotations (patch and slide ROC AUC, CAMELYON16 FROC), extrapolates to a cohort on a cluster, and
// writes study.json, study.csv and the accuracy-vs-cost frontier (SVG and PNG).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { WsiHpcError } from '../errors.js';
import { readAnnotationsFor } from './patch-labels.js';
import { decodeNpyFloat32 } from '../heatmap/index.js';
import { readModelCard } from '../model/index.js';
import { discoverSlides, readPlan } from '../plan/index.js';
import { runPaths } from '../run/paths.js';
import { runInfer } from '../stages/infer/index.js';
import { runMerge } from '../stages/merge/index.js';
import { runPack } from '../stages/pack/index.js';
import { runPlan } from '../stages/plan/index.js';
import { writeFileAtomic } from '../util/atomic.js';
import { expectPositiveInt } from '../util/is.js';
import { expandConfigs, parseVary, type StudyConfig } from './configs.js';
import { evaluateRun } from './evaluate.js';
import { extrapolate, type ClusterSize } from './extrapolate.js';
import { froc, heatmapDetections, type SlideTruth } from './froc.js';
import { renderFrontierSvg } from './plot.js';

export interface StudyOptions {
  slides: string[];
  annotations: string;
  model: string;
  vary: string[];
  out: string;
  /** Slides of the input used for the study (first N in path order). @default 4 */
  sample?: number;
  cohortSlides?: number;
  cores?: number;
  onLog?: (message: string) => void;
}

export const STUDY_DEFAULTS = Object.freeze({ sample: 4, cohortSlides: 399, cores: 4000 });

export interface StudyRow {
  config: string;
  stride: number;
  mpp: number;
  batch: number | null;
  threads: number | null;
  model: string;
  slides: number;
  patches: number;
  patchesPerSlide: number;
  wallSecondsPerSlide: number;
  coreSecondsPerSlide: number;
  bytesPacked: number;
  patchAuc: number;
  slideAuc: number;
  froc: number;
  cohortCoreHours: number;
  cohortWallHours: number;
}

export interface StudyResult {
  out: string;
  cluster: ClusterSize;
  table: StudyRow[];
  files: { json: string; csv: string; svg: string; png: string };
}

async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

async function dirBytes(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let n = 0;
  for (const name of names) n += (await stat(join(dir, name))).size;
  return n;
}

async function runConfig(
  cfg: StudyConfig,
  slides: string[],
  o: StudyOptions,
  dir: string,
  defaults: { mpp: number; patch: number },
): Promise<Omit<StudyRow, 'cohortCoreHours' | 'cohortWallHours'>> {
  const model = resolve(cfg.model ?? o.model);
  const card = await readModelCard(model);
  const stride = cfg.stride ?? card.patchSizePx;
  const mpp = cfg.mpp ?? card.mpp ?? defaults.mpp;
  const steps = [
    await measure(() =>
      runPlan({
        inputs: slides,
        out: dir,
        grid: { patchSizePx: card.patchSizePx, targetMpp: mpp, stridePx: stride },
        shards: { patchesPerShard: 4000 },
      }),
    ),
    await measure(() => runPack({ run: dir, env: {} })),
    await measure(() =>
      runInfer({ run: dir, model, env: {}, threads: cfg.threads ?? undefined, batchSize: cfg.batch ?? undefined, device: 'cpu' }),
    ),
    await measure(() => runMerge({ run: dir })),
  ];
  const plan = await readPlan(runPaths(dir).plan);
  const planned = plan.slides.filter((s) => s.status === 'planned');
  const ev = await evaluateRun(dir, o.annotations);
  const truths: SlideTruth[] = [];
  for (const s of planned) {
    const npy = decodeNpyFloat32(await readFile(runPaths(dir).heatmap(s.id, 'npy')));
    const lesions = (await readAnnotationsFor(o.annotations, s.path)).tumours;
    truths.push({ detections: heatmapDetections(npy.values, npy.shape[1], npy.shape[0], s.grid?.strideLevel0 ?? stride), lesions });
  }
  const n = Math.max(1, planned.length);
  return {
    config: cfg.name,
    stride,
    mpp,
    batch: cfg.batch,
    threads: cfg.threads,
    model: card.name,
    slides: planned.length,
    patches: plan.totals.patches,
    patchesPerSlide: plan.totals.patches / n,
    wallSecondsPerSlide: steps.reduce((a, s) => a + s.wall, 0) / n,
    coreSecondsPerSlide: steps.reduce((a, s) => a + s.cpu, 0) / n,
    bytesPacked: await dirBytes(runPaths(dir).shardsDir),
    patchAuc: ev.patchAuc,
    slideAuc: ev.slideAuc,
    froc: froc(truths).score,
  };
}

function csv(rows: StudyRow[]): string {
  const keys = Object.keys(rows[0] ?? {}) as Array<keyof StudyRow>;
  const cell = (v: unknown) =>
    typeof v === 'number'
      ? Number.isFinite(v)
        ? String(Math.round(v * 1e6) / 1e6)
        : ''
      : v === null
        ? ''
        : `"${String(v).replace(/"/g, '""')}"`;
  return `${keys.join(',')}\n${rows.map((r) => keys.map((k) => cell(r[k])).join(',')).join('\n')}\n`;
}

export async function runStudy(o: StudyOptions): Promise<StudyResult> {
  const out = resolve(o.out);
  const sample = expectPositiveInt('sample', o.sample ?? STUDY_DEFAULTS.sample);
  const cluster: ClusterSize = {
    cohortSlides: expectPositiveInt('cohortSlides', o.cohortSlides ?? STUDY_DEFAULTS.cohortSlides),
    cores: expectPositiveInt('cores', o.cores ?? STUDY_DEFAULTS.cores),
  };
  const configs = expandConfigs(parseVary(o.vary));
  const slides = (await discoverSlides(o.slides)).slice(0, sample);
  if (!slides.length) throw new WsiHpcError('INVALID_OPTION', 'No slides to study');
  const table: StudyRow[] = [];
  for (const cfg of configs) {
    o.onLog?.(`study: configuration ${cfg.name} on ${slides.length} slide(s)`);
    const row = await runConfig(cfg, slides, o, join(out, 'configs', cfg.name), { mpp: 0.5, patch: 224 });
    const x = extrapolate(row.coreSecondsPerSlide, row.wallSecondsPerSlide, cluster);
    table.push({ ...row, cohortCoreHours: x.coreHours, cohortWallHours: x.wallHours });
  }
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
  await writeFileAtomic(files.json, `${JSON.stringify({ schemaVersion: 1, cluster, sampleSlides: slides, configs, table }, null, 1)}\n`);
  return { out, cluster, table, files };
}
