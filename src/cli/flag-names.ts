// Library validation names the option fields (`stridePx`, `topK`); the user typed flags. This maps
// a library OptionError's backticked field names to the flags of the command that was run.
import { OptionError } from '../errors.js';

const PLAN: Record<string, string> = {
  patchSizePx: '--patch-size',
  targetMpp: '--mpp',
  level: '--level',
  stridePx: '--stride',
  minTissue: '--min-tissue',
  maxGridPatches: '--max-grid-patches',
  slideMpp: '--slide-mpp',
  maskMpp: '--mask-mpp',
  minRegionUm2: '--min-region-um2',
  maxHoleUm2: '--max-hole-um2',
  userMaskMode: '--mask-mode',
  shardSizeBytes: '--shard-size',
  patchesPerShard: '--patches-per-shard',
  shardsPerTask: '--shards-per-task',
  compression: '--compression',
  chunkPatches: '--chunk-patches',
  windowPositions: '--window-positions',
  concurrency: '--concurrency',
};
const INFER: Record<string, string> = { device: '--device', batchSize: '--batch-size', threads: '--threads' };
// Per-stage CPUs and GPUs are checked under their own flags in the CLI before the library sees them.
const SUBMIT: Record<string, string> = {
  batchSize: '--batch-size',
  threads: '--threads',
  cpusPerTask: '--cpus-per-task',
  memGb: '--mem-gb',
  gpus: '--gpus',
  throttle: '--throttle',
  time: '--time',
};

/** Library field name -> CLI flag, per top-level command. */
export const FLAG_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  plan: PLAN,
  pack: { readConcurrency: '--read-concurrency', batchPatches: '--batch-patches', threads: '--threads' },
  infer: INFER,
  merge: { topK: '--top-k', threshold: '--threshold' },
  submit: SUBMIT,
  resubmit: SUBMIT,
  run: SUBMIT,
  study: { sample: '--sample', cohortSlides: '--cohort-slides', cores: '--cores' },
  synth: {
    slides: '--slides',
    width: '--width',
    height: '--height',
    mppX: '--mpp',
    seed: '--seed',
    flavour: '--flavour',
    tileSize: '--tile-size',
    quality: '--quality',
    concurrency: '--concurrency',
  },
};

/** The same OptionError with every `field` of `command`'s table written as its `--flag`; other errors unchanged. */
export function withFlagNames(err: unknown, command: string | undefined): unknown {
  const names = command ? FLAG_NAMES[command] : undefined;
  if (!(err instanceof OptionError) || !names) return err;
  let message = err.message.replace(/`(\w+)`/g, (whole, name: string) => (Object.hasOwn(names, name) ? `\`${names[name]}\`` : whole));
  // "Give either `--level` or `--mpp` (--level or --mpp)": the flags in brackets are now said twice.
  message = message.replace(/ \((--[\w-]+) or (--[\w-]+)\)/, (whole, a: string, b: string) =>
    message.includes(`\`${a}\``) && message.includes(`\`${b}\``) ? '' : whole,
  );
  if (message === err.message) return err;
  const mapped = new OptionError(message, err.hint);
  mapped.cause = err;
  return mapped;
}
