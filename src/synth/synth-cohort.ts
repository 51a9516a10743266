// Generates a cohort: N slides in one folder, alternating generic (.tif) and aperio (.svs) when
// mixed, every third slide normal (no tumour), ASAP XML in annotations/, sidecars in geometry/,
// and cohort.json listing them all.
import { join } from 'node:path';
import { hashInts } from './prng.js';
import { normalizeSynthCohortOptions } from './synth-options.js';
import { synthSlide } from './synth-slide.js';
import { writeTextAtomic } from './write-text.js';
import type { CohortEntry, CohortManifest, SynthCohortOptions, SynthCohortResult, SynthFlavour } from './types.js';

export const COHORT_MANIFEST = 'cohort.json';

/** Slide `index` (0-based) of a cohort: its flavour, name and whether it has tumour. Pure. */
export function cohortSlidePlan(index: number, flavour: SynthCohortOptions['flavour'], cohortSeed: number) {
  const slideFlavour: SynthFlavour = flavour === 'mixed' ? (index % 2 === 0 ? 'generic' : 'aperio') : (flavour ?? 'generic');
  const stem = `slide-${String(index + 1).padStart(3, '0')}`;
  return {
    stem,
    file: `${stem}${slideFlavour === 'aperio' ? '.svs' : '.tif'}`,
    flavour: slideFlavour,
    hasTumour: index % 3 !== 1,
    seed: hashInts(cohortSeed, index),
  };
}

/** Generate every slide of the cohort one after the other, then write cohort.json. */
export async function synthCohort(options: SynthCohortOptions): Promise<SynthCohortResult> {
  const started = performance.now();
  const config = normalizeSynthCohortOptions(options);
  const slides: CohortEntry[] = [];
  for (let index = 0; index < config.slides; index++) {
    const plan = cohortSlidePlan(index, config.flavour, config.seed);
    const result = await synthSlide({
      path: join(config.outDir, plan.file),
      width: config.width,
      height: config.height,
      mppX: config.mppX,
      flavour: plan.flavour,
      seed: plan.seed,
      hasTumour: plan.hasTumour,
      tileSize: config.tileSize,
      quality: config.quality,
      concurrency: config.concurrency,
      sidecarPath: join(config.outDir, 'geometry', `${plan.stem}.json`),
      annotationsPath: join(config.outDir, 'annotations', `${plan.stem}.xml`),
    });
    config.onSlide?.(result, index);
    slides.push({
      file: plan.file,
      stem: plan.stem,
      flavour: plan.flavour,
      hasTumour: result.hasTumour,
      seed: plan.seed,
      width: result.width,
      height: result.height,
      mppX: result.mppX,
      byteLength: result.byteLength,
      isBigTiff: result.isBigTiff,
      levels: result.levels,
      annotations: result.annotationsPath ? `annotations/${plan.stem}.xml` : null,
      sidecar: `geometry/${plan.stem}.json`,
    });
  }
  const manifest: CohortManifest = { schemaVersion: 1, generator: 'wsi-hpc synth', seed: config.seed, slides };
  const manifestPath = join(config.outDir, COHORT_MANIFEST);
  await writeTextAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { outDir: config.outDir, manifestPath, manifest, elapsedMs: Math.round(performance.now() - started) };
}
