// Trains the demo tumour classifier on a synthetic cohort: sample labelled tissue patches, compute
// features with the ONNX feature graph, fit logistic regression on the training slides, evaluate
// on held-out slides, write demo-tumour.onnx + demo-tumour.json. Graph in demo-features.ts.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionError } from '../../errors.js';
import { ANNOTATION_GROUP_DEFAULTS, parseAnnotationText, type Polygon } from '../../geometry/index.js';
import { openSlide } from '../../slide/index.js';
import { COHORT_MANIFEST, synthCohort, type CohortManifest, type SynthSidecar } from '../../synth/index.js';
import { writeFileAtomic } from '../../util/atomic.js';
import type { ModelCard } from '../types.js';
import { buildDemoClassifierGraph, buildDemoFeatureGraph, DEMO_FEATURES } from './demo-features.js';
import { extractFeatures, sampleLabelledPoints, type LabelledPoint, type TumourTruth } from './demo-patches.js';
import { accuracy, fitLogistic, rocAuc, scoreLinear } from './fit-logistic.js';
import { normalizeTrainDemoOptions, type TrainDemoOptions } from './demo-options.js';
import { createUniformRng } from './prng.js';
import { zooCard } from './zoo-card.js';

/** Metrics of one split: patches, positives, accuracy at p = 0.5 and ROC AUC. */
export interface SplitMetrics {
  slides: string[];
  patches: number;
  positives: number;
  accuracy: number;
  auc: number;
}

export interface TrainDemoResult {
  onnxPath: string;
  cardPath: string;
  bytes: Uint8Array;
  card: ModelCard;
  train: SplitMetrics;
  heldOut: SplitMetrics;
  elapsedMs: number;
}

interface SlideSamples {
  stem: string;
  points: LabelledPoint[];
  features: number[][];
}

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

// Tumour = the default tumour groups minus the exclusion groups (CAMELYON16 `_2`), as `evaluate` reads them.
export async function readTruth(cohortDir: string, annotations: string | null): Promise<TumourTruth> {
  if (annotations === null) return { regions: [], exclusions: [] };
  const file = join(cohortDir, annotations);
  const set = parseAnnotationText(await readFile(file, 'utf8'), file, ANNOTATION_GROUP_DEFAULTS);
  return { regions: set.tumours, exclusions: set.exclusions };
}

function splitMetrics(head: ReturnType<typeof fitLogistic>, samples: SlideSamples[]): SplitMetrics {
  const x = samples.flatMap((s) => s.features);
  const y = samples.flatMap((s) => s.points.map((p) => p.label));
  const logits = scoreLinear(head, x);
  return {
    slides: samples.map((s) => s.stem),
    patches: x.length,
    positives: y.filter((v) => v === 1).length,
    accuracy: round4(accuracy(logits, y)),
    auc: round4(rocAuc(logits, y)),
  };
}

/** Train, evaluate and write the demo tumour classifier. Deterministic for a given cohort and seed. */
export async function trainDemoModel(options: TrainDemoOptions): Promise<TrainDemoResult> {
  const started = performance.now();
  const config = normalizeTrainDemoOptions(options);
  const log = options.onLog ?? (() => undefined);
  const cohortDir = options.cohortDir ?? (await mkdtemp(join(tmpdir(), 'wsi-hpc-demo-cohort-')));
  try {
    if (!existsSync(join(cohortDir, COHORT_MANIFEST))) {
      log(`synthesizing ${config.slides} slides of ${config.width}x${config.height} into ${cohortDir}`);
      await synthCohort({ outDir: cohortDir, slides: config.slides, width: config.width, height: config.height, seed: config.seed });
    }
    const manifest = JSON.parse(await readFile(join(cohortDir, COHORT_MANIFEST), 'utf8')) as CohortManifest;
    const held = manifest.slides.slice(manifest.slides.length - config.heldOutSlides);
    if (
      held.length >= manifest.slides.length ||
      !held.some((s) => s.hasTumour) ||
      !manifest.slides.slice(0, -held.length).some((s) => s.hasTumour)
    ) {
      throw new OptionError(
        `Expected training and held-out slides (last ${config.heldOutSlides} of ${manifest.slides.length}) to each include a tumour slide`,
        'Use at least 3 slides and hold out 2 (every third slide of a synthetic cohort is normal).',
      );
    }
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(buildDemoFeatureGraph(), { intraOpNumThreads: 2 });
    const random = createUniformRng(config.seed);
    const samples: SlideSamples[] = [];
    for (const entry of manifest.slides) {
      const sidecar = JSON.parse(await readFile(join(cohortDir, entry.sidecar), 'utf8')) as SynthSidecar;
      const slide = await openSlide(join(cohortDir, entry.file));
      try {
        const truth = await readTruth(cohortDir, entry.annotations);
        const points = sampleLabelledPoints(sidecar.tissue as Polygon[], truth, config.patchesPerSlide, random);
        samples.push({ stem: entry.stem, points, features: await extractFeatures(slide, points, session) });
        log(`${entry.stem}: ${points.length} patches, ${points.filter((p) => p.label === 1).length} tumour`);
      } finally {
        await slide.close();
      }
    }
    await session.release();
    const trainSamples = samples.slice(0, samples.length - held.length);
    const heldSamples = samples.slice(samples.length - held.length);
    const head = fitLogistic(
      trainSamples.flatMap((s) => s.features),
      trainSamples.flatMap((s) => s.points.map((p) => p.label)),
    );
    const train = splitMetrics(head, trainSamples);
    const heldOut = splitMetrics(head, heldSamples);
    const card = zooCard(
      'demo-tumour',
      'Demo tumour classifier for synthetic H&E slides (wsi-hpc synth): colour and texture features computed in the graph, then logistic regression. Not for real tissue.',
      {
        training: {
          method: 'logistic regression (full-batch gradient descent, L2 0.001) on standardized in-graph features',
          features: [...DEMO_FEATURES],
          cohort: {
            generator: manifest.generator,
            seed: manifest.seed,
            slides: manifest.slides.length,
            width: manifest.slides[0].width,
            height: manifest.slides[0].height,
          },
          sampling: {
            patchesPerSlide: config.patchesPerSlide,
            seed: config.seed,
            label: 'patch centre inside an ASAP tumour polygon',
            within: 'tissue polygons of the synth sidecar',
            placement: 'distinct 32 px cells',
            level: 0,
          },
          train,
          heldOut,
        },
      },
    );
    const bytes = buildDemoClassifierGraph(head, { seed: String(config.seed) });
    const onnxPath = join(options.outDir, 'demo-tumour.onnx');
    const cardPath = join(options.outDir, 'demo-tumour.json');
    await writeFileAtomic(onnxPath, bytes);
    await writeFileAtomic(cardPath, `${JSON.stringify(card, null, 2)}\n`);
    return { onnxPath, cardPath, bytes, card, train, heldOut, elapsedMs: Math.round(performance.now() - started) };
  } finally {
    if (options.cohortDir === undefined) await rm(cohortDir, { recursive: true, force: true });
  }
}
