// Defaults and validation for synthSlide and synthCohort options: the single source of the
// defaults that the CLI flags and --help read too.
import { basename, dirname, extname, join } from 'node:path';
import { OptionError } from '../errors.js';
import type { CohortFlavour, SynthCohortConfig, SynthCohortOptions, SynthSlideConfig, SynthSlideOptions } from './types.js';

export const SYNTH_DEFAULTS = Object.freeze({
  width: 16384,
  height: 12288,
  mppX: 0.5,
  flavour: 'generic',
  seed: 1,
  hasTumour: true,
  hasPenMarks: true,
  tileSize: 256,
  quality: 85,
  chromaSubsampling: '4:2:0',
  bigTiff: 'auto',
  concurrency: 4,
} as const);

export const COHORT_DEFAULTS = Object.freeze({ slides: 6, flavour: 'mixed' as CohortFlavour, seed: 1 });

const MAX_SIDE_PX = 1_000_000;

function describe(value: unknown): string {
  return `\`${String(value)}\` (${typeof value})`;
}

// Push a problem when `value` is not an integer in [min, max].
function checkInt(problems: string[], name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`Expected \`${name}\` to be an integer from ${min} to ${max}, received ${describe(value)}`);
  }
}

function checkOneOf(problems: string[], name: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    problems.push(`Expected \`${name}\` to be one of ${allowed.map((a) => `'${a}'`).join(', ')}, received ${describe(value)}`);
  }
}

function throwIfAny(problems: string[]): void {
  if (problems.length === 1) throw new OptionError(problems[0]);
  if (problems.length > 1) throw new OptionError(`${problems.length} invalid options:\n  ${problems.join('\n  ')}`);
}

// The per-slide fields a cohort passes to every slide: checked by the cohort too, so a dry run refuses them.
function checkSlideFields(problems: string[], o: Pick<SynthSlideConfig, 'width' | 'height' | 'mppX' | 'tileSize' | 'quality'>): void {
  checkInt(problems, 'width', o.width, 64, MAX_SIDE_PX);
  checkInt(problems, 'height', o.height, 64, MAX_SIDE_PX);
  if (typeof o.mppX !== 'number' || !(o.mppX >= 0.05 && o.mppX <= 20)) {
    problems.push(`Expected \`mppX\` to be a number from 0.05 to 20 microns per pixel, received ${describe(o.mppX)}`);
  }
  checkInt(problems, 'tileSize', o.tileSize, 64, 2048);
  if (o.tileSize % 16 !== 0) problems.push(`Expected \`tileSize\` to be a multiple of 16, received ${describe(o.tileSize)}`);
  checkInt(problems, 'quality', o.quality, 1, 100);
}

/** Fill in defaults, check every option (all problems reported at once) and freeze. */
export function normalizeSynthSlideOptions(options: SynthSlideOptions): Readonly<SynthSlideConfig> {
  const merged = { ...SYNTH_DEFAULTS, ...stripUndefined(options) };
  const problems: string[] = [];
  if (typeof merged.path !== 'string' || merged.path === '')
    problems.push(`Expected \`path\` to be a file path, received ${describe(merged.path)}`);
  checkSlideFields(problems, merged);
  checkOneOf(problems, 'flavour', merged.flavour, ['generic', 'aperio']);
  checkInt(problems, 'seed', merged.seed, 0, 2 ** 32 - 1);
  checkOneOf(problems, 'chromaSubsampling', merged.chromaSubsampling, ['4:2:0', '4:4:4']);
  checkOneOf(problems, 'bigTiff', merged.bigTiff, ['auto', 'always', 'never']);
  checkInt(problems, 'concurrency', merged.concurrency, 1, 64);
  throwIfAny(problems);
  const path = options.path;
  const stem = basename(path, extname(path));
  return Object.freeze({
    ...merged,
    path,
    sidecarPath: merged.sidecarPath ?? join(dirname(path), `${stem}.geometry.json`),
    annotationsPath: merged.annotationsPath ?? null,
  });
}

/** Check the cohort-level options; per-slide options are checked by normalizeSynthSlideOptions. */
export function normalizeSynthCohortOptions(options: SynthCohortOptions): Readonly<SynthCohortConfig> {
  const merged = { ...SYNTH_DEFAULTS, ...COHORT_DEFAULTS, ...stripUndefined(options) };
  const problems: string[] = [];
  if (typeof merged.outDir !== 'string' || merged.outDir === '')
    problems.push(`Expected \`outDir\` to be a folder path, received ${describe(merged.outDir)}`);
  checkInt(problems, 'slides', merged.slides, 1, 10_000);
  checkOneOf(problems, 'flavour', merged.flavour, ['mixed', 'generic', 'aperio']);
  checkInt(problems, 'seed', merged.seed, 0, 2 ** 32 - 1);
  checkSlideFields(problems, merged);
  checkInt(problems, 'concurrency', merged.concurrency, 1, 64);
  throwIfAny(problems);
  return Object.freeze({
    outDir: options.outDir,
    slides: merged.slides,
    width: merged.width,
    height: merged.height,
    mppX: merged.mppX,
    seed: merged.seed,
    flavour: merged.flavour,
    tileSize: merged.tileSize,
    quality: merged.quality,
    concurrency: merged.concurrency,
    onSlide: merged.onSlide,
  });
}

// `{ width: undefined }` from a CLI must not override a default.
function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
