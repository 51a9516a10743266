// The plan options shared by `plan SLIDES` and `submit SLIDES --out RUN` (which plans as array tasks):
// the flags, the checks made before any slide is read, and the runPlan options they give.
import type { Argv } from 'yargs';
import { OptionError } from '../errors.js';
import { isFromConfig } from './config-file.js';
import { strideConcern } from '../plan/index.js';
import { GRID_DEFAULTS, GRID_LIMITS, normalizeGridOptions } from '../grid/index.js';
import { TISSUE_DEFAULTS } from '../tissue/index.js';
import { warn } from './output.js';
import { type AnnotationGroupArgs, annotationGroupsFrom, withAnnotationGroupOptions } from './annotation-group-options.js';
import { ANNOTATION_GROUP_DEFAULTS } from '../geometry/annotation-group-defaults.js';
import { SHARD_DEFAULTS, parseSize } from '../shard/index.js';
import { PACK_DEFAULTS } from '../stages/plan/pack-params.js';
import { LAYOUTS, resolveWindowParams, type LayoutChoice } from '../stages/plan/window-params.js';
import type { PlanRunOptions } from '../stages/plan/run-plan.js';
import type { ReaderChoice } from '../slide/index.js';
import { type SlidesFromArgs, slidesFromArgs, withSlidesFromOption } from './slides-from-option.js';

export interface PlanOptionArgs extends AnnotationGroupArgs, SlidesFromArgs {
  'patch-size': number;
  mpp?: number;
  level?: number;
  stride?: number;
  'min-tissue': number;
  'max-grid-patches': number;
  'slide-mpp'?: number;
  'mask-mpp': number;
  'reject-ink': boolean;
  'min-region-um2': number;
  'max-hole-um2': number;
  masks?: string;
  'mask-mode': 'restrict' | 'replace';
  'shard-size'?: string;
  'patches-per-shard'?: number;
  'shards-per-task': number;
  compression: string;
  'chunk-patches': number;
  layout: LayoutChoice;
  'window-positions'?: number;
  'stain-norm': 'none' | 'macenko';
  'stain-target': string;
  reader: ReaderChoice;
  'clam-patches': boolean;
  concurrency?: number;
}

/** Plan flags and their defaults (undefined: none): what `submit RUN` checks it was not given. */
export const PLAN_OPTION_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  'patch-size': GRID_DEFAULTS.patchSizePx,
  mpp: undefined,
  level: undefined,
  stride: undefined,
  'min-tissue': GRID_DEFAULTS.minTissue,
  'max-grid-patches': GRID_LIMITS.maxPatchesPerSlide,
  'slide-mpp': undefined,
  'mask-mpp': TISSUE_DEFAULTS.maskMpp,
  'reject-ink': TISSUE_DEFAULTS.rejectInk,
  'min-region-um2': TISSUE_DEFAULTS.minRegionUm2,
  'max-hole-um2': TISSUE_DEFAULTS.maxHoleUm2,
  masks: undefined,
  'mask-mode': TISSUE_DEFAULTS.userMaskMode,
  'shard-size': undefined,
  'patches-per-shard': undefined,
  'shards-per-task': SHARD_DEFAULTS.shardsPerTask,
  compression: PACK_DEFAULTS.compression,
  'chunk-patches': PACK_DEFAULTS.chunkPatches,
  layout: 'auto',
  'window-positions': undefined,
  'stain-norm': 'none',
  'stain-target': 'builtin',
  reader: 'auto',
  'clam-patches': false,
  concurrency: undefined,
  'slides-from': undefined,
  'tumour-groups': ANNOTATION_GROUP_DEFAULTS.tumour.join(','),
  'exclude-groups': ANNOTATION_GROUP_DEFAULTS.exclude.join(','),
});

/** The plan flags (not `--out`, `--dry-run`, `--force`, which each command defines), with `--slides-from` and the mask groups. */
export function withPlanOptions<T>(y: Argv<T>): Argv<T & PlanOptionArgs> {
  return withSlidesFromOption(withAnnotationGroupOptions(y, 'masks'))
    .option('patch-size', {
      type: 'number',
      default: GRID_DEFAULTS.patchSizePx,
      describe: 'Patch edge in pixels at the target resolution',
    })
    .option('mpp', {
      type: 'number',
      describe: `Target µm/px of patches (default ${GRID_DEFAULTS.targetMpp}); nearest level within 10%, else resampled`,
    })
    .option('level', { type: 'number', describe: 'Read patches at this pyramid level instead of --mpp' })
    .option('stride', { type: 'number', describe: 'Step between patches in target pixels (default: patch size)' })
    .option('min-tissue', { type: 'number', default: GRID_DEFAULTS.minTissue, describe: 'Minimum tissue fraction of a patch (0-1)' })
    .option('max-grid-patches', {
      type: 'number',
      default: GRID_LIMITS.maxPatchesPerSlide,
      describe: 'A slide whose grid would have more patches fails before its grid is laid (GRID_TOO_LARGE); raise to override',
    })
    .option('slide-mpp', { type: 'number', describe: 'µm/px at level 0 for slides that record none' })
    .option('mask-mpp', { type: 'number', default: TISSUE_DEFAULTS.maskMpp, describe: 'Resolution of the tissue mask, µm/px' })
    .option('reject-ink', {
      type: 'boolean',
      default: TISSUE_DEFAULTS.rejectInk,
      describe: 'Reject blue/green/black pen marks (--no-reject-ink to keep)',
    })
    .option('min-region-um2', {
      type: 'number',
      default: TISSUE_DEFAULTS.minRegionUm2,
      describe: 'Drop tissue regions smaller than this (µm²)',
    })
    .option('max-hole-um2', { type: 'number', default: TISSUE_DEFAULTS.maxHoleUm2, describe: 'Fill holes smaller than this (µm²)' })
    .option('masks', {
      type: 'string',
      describe: 'Folder of user masks <slide-stem>.xml|.geojson|.png (ASAP/CAMELYON XML, GeoJSON, binary PNG)',
    })
    .option('mask-mode', {
      choices: ['restrict', 'replace'] as const,
      default: TISSUE_DEFAULTS.userMaskMode,
      describe: 'User masks restrict or replace the automatic mask',
    })
    .option('shard-size', { type: 'string', describe: 'Target bytes of patches per HDF5 shard, e.g. 1GiB, 500MB (default 1GiB)' })
    .option('patches-per-shard', { type: 'number', describe: 'Target patches per shard instead of --shard-size' })
    .option('shards-per-task', { type: 'number', default: SHARD_DEFAULTS.shardsPerTask, describe: 'Shards handled by one array task' })
    .option('compression', { type: 'string', default: PACK_DEFAULTS.compression, describe: 'Shard codec: none, gzip or gzip:LEVEL' })
    .option('chunk-patches', {
      type: 'number',
      default: PACK_DEFAULTS.chunkPatches,
      describe: 'Patches per HDF5 chunk (see docs/FORMAT.md)',
    })
    .option('layout', {
      choices: LAYOUTS,
      default: 'auto' as const,
      describe: 'Shard layout: patches, or k x k-position windows (auto: windows when --stride is below --patch-size)',
    })
    .option('window-positions', {
      type: 'number',
      describe: 'k, positions per window side (window = patch + (k-1) x stride px); default: windows of about 1024 px',
    })
    .option('stain-norm', {
      choices: ['none', 'macenko'] as const,
      default: 'none' as const,
      describe: 'Stain normalization applied at inference (fitted per slide now)',
    })
    .option('stain-target', {
      type: 'string',
      default: 'builtin',
      describe: 'Target stains: builtin (Macenko reference H&E) or an image file',
    })
    .option('reader', {
      choices: ['auto', 'native', 'openslide'] as const,
      default: 'auto' as const,
      describe: 'Slide backend: native TIFF/SVS reader, OpenSlide (libopenslide), or auto (native where it reads the file, else OpenSlide)',
    })
    .option('clam-patches', {
      type: 'boolean',
      default: false,
      describe: "Also write CLAM-style patches/<slide-stem>.h5 (coords + attributes) for CLAM's feature extractor",
    })
    .option('concurrency', { type: 'number', describe: 'Slides planned at once (default: min(2, cores))' }) as unknown as Argv<
    T & PlanOptionArgs
  >;
}

/** Refusals made before anything is read or written (a config file's value is a default, not a request). */
export function checkPlanArgs(argv: PlanOptionArgs): void {
  if (argv['stain-norm'] === 'none' && argv['stain-target'] !== 'builtin' && !isFromConfig(argv, 'stain-target'))
    throw new OptionError('`--stain-target` applies to `--stain-norm macenko`', 'Add --stain-norm macenko, or leave out --stain-target');
  // Groups select polygons of --masks files; without masks a changed list would be ignored.
  const groupFlags = (['tumour', 'exclude'] as const).filter(
    (k) => argv[`${k}-groups`] !== ANNOTATION_GROUP_DEFAULTS[k].join(',') && !isFromConfig(argv, `${k}-groups`),
  );
  if (groupFlags.length && argv.masks === undefined)
    throw new OptionError(
      `\`--${groupFlags[0]}-groups\` applies to \`--masks\``,
      `Add --masks DIR, or leave out --${groupFlags[0]}-groups`,
    );
  // Grid options are refused before the stride warning below (`--stride 1.5` is an error, not a concern).
  const grid = normalizeGridOptions(gridOf(argv));
  // A tiny stride is known before any slide is read: say so now, since laying its grids takes long.
  // Window plans store each pixel about once, so only a patch layout warns.
  const windows = resolveWindowParams(grid, argv.layout, argv['window-positions']);
  const strideWarning = strideConcern(argv['patch-size'], argv.stride ?? argv['patch-size'], windows !== null);
  if (strideWarning) warn(strideWarning.message);
}

function gridOf(argv: PlanOptionArgs) {
  return { patchSizePx: argv['patch-size'], targetMpp: argv.mpp, level: argv.level, stridePx: argv.stride, minTissue: argv['min-tissue'] };
}

/** runPlan's options from the flags; the slide list is read (and checked: exit 2 for a bad row) here. */
export async function planRunOptionsFrom(
  argv: PlanOptionArgs,
  command: string,
  o: { out: string; isDryRun: boolean; isForced: boolean },
): Promise<PlanRunOptions> {
  const { inputs, slideList } = await slidesFromArgs(argv, command);
  return {
    inputs,
    ...(slideList ? { slideList } : {}),
    out: o.out,
    grid: gridOf(argv),
    tissue: {
      maskMpp: argv['mask-mpp'],
      rejectInk: argv['reject-ink'],
      minRegionUm2: argv['min-region-um2'],
      maxHoleUm2: argv['max-hole-um2'],
      userMaskMode: argv['mask-mode'],
      annotationGroups: annotationGroupsFrom(argv),
    },
    masksDir: argv.masks,
    shards: {
      shardSizeBytes: argv['shard-size'] === undefined ? undefined : parseSize(argv['shard-size'], '--shard-size'),
      patchesPerShard: argv['patches-per-shard'],
      shardsPerTask: argv['shards-per-task'],
    },
    pack: { compression: argv.compression, chunkPatches: argv['chunk-patches'] },
    layout: argv.layout,
    windowPositions: argv['window-positions'],
    stainNorm: argv['stain-norm'],
    stainTarget: argv['stain-target'],
    reader: argv.reader,
    clamPatches: argv['clam-patches'],
    slideMpp: argv['slide-mpp'],
    concurrency: argv.concurrency,
    isDryRun: o.isDryRun,
    isForced: o.isForced,
    maxGridPatches: argv['max-grid-patches'],
  };
}
