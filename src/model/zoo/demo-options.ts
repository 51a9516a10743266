// Options of the demo classifier's training: the user-facing type, frozen defaults and the
// normalizer that fills them in and checks every number at once.
import { OptionError } from '../../errors.js';
import { describeValue, isPositiveInt } from '../../util/is.js';

export interface TrainDemoOptions {
  /** Folder for demo-tumour.onnx and demo-tumour.json. */
  outDir: string;
  /** A cohort made by `wsi-hpc synth` to train on; synthesized here when it has no cohort.json. @default a temporary folder, removed afterwards */
  cohortDir?: string;
  /** Slides to synthesize (when there is no cohort yet). @default 6 */
  slides?: number;
  /** Level-0 width of synthesized slides, px. @default 12000 */
  width?: number;
  /** Level-0 height of synthesized slides, px. @default 9000 */
  height?: number;
  /** Seed of the synthesized cohort and of patch sampling. @default 1 */
  seed?: number;
  /** Patches sampled per slide (half tumour on tumour slides). @default 400 */
  patchesPerSlide?: number;
  /** The last this-many slides of the cohort are held out for evaluation. @default 2 */
  heldOutSlides?: number;
  /** Progress lines. */
  onLog?: (message: string) => void;
}

export const TRAIN_DEMO_DEFAULTS = Object.freeze({
  slides: 6,
  width: 12000,
  height: 9000,
  seed: 1,
  patchesPerSlide: 400,
  heldOutSlides: 2,
});

type DemoCounts = Record<keyof typeof TRAIN_DEMO_DEFAULTS, number>;

/** TrainDemoOptions with every default filled in; frozen. */
export type TrainDemoConfig = Readonly<DemoCounts & Pick<TrainDemoOptions, 'outDir' | 'cohortDir' | 'onLog'>>;

/** Defaults for missing (undefined) fields; every count must be a positive integer (seed: a non-negative one). */
export function normalizeTrainDemoOptions(options: TrainDemoOptions): TrainDemoConfig {
  const problems: string[] = [];
  const numbers: DemoCounts = { ...TRAIN_DEMO_DEFAULTS };
  for (const key of Object.keys(TRAIN_DEMO_DEFAULTS) as (keyof typeof TRAIN_DEMO_DEFAULTS)[]) {
    const value = options[key] ?? TRAIN_DEMO_DEFAULTS[key];
    const isValid = key === 'seed' ? Number.isInteger(value) && value >= 0 : isPositiveInt(value);
    if (!isValid)
      problems.push(
        `Expected \`${key}\` to be a ${key === 'seed' ? 'non-negative' : 'positive'} integer, received ${describeValue(value)}`,
      );
    numbers[key] = value;
  }
  if (typeof options.outDir !== 'string' || options.outDir === '')
    problems.push(`Expected \`outDir\` to be a folder path, received ${describeValue(options.outDir)}`);
  if (problems.length > 0) throw new OptionError(problems.join('\n'));
  return Object.freeze({ ...numbers, outDir: options.outDir, cohortDir: options.cohortDir, onLog: options.onLog });
}
