// `wsi-hpc plan SLIDES... --out RUN`: thin handler over runPlan; prints a per-slide summary.
import type { CommandModule } from 'yargs';
import { OptionError } from '../../errors.js';
import { isFromConfig } from '../config-file.js';
import { strideConcern } from '../../plan/index.js';
import { GRID_DEFAULTS, GRID_LIMITS, normalizeGridOptions } from '../../grid/index.js';
import { TISSUE_DEFAULTS } from '../../tissue/index.js';
import { log, printJson, reportError, shouldShowProgress, warn, type OutputFlags } from '../output.js';
import { type AnnotationGroupArgs, annotationGroupsFrom, withAnnotationGroupOptions } from '../annotation-group-options.js';
import { ANNOTATION_GROUP_DEFAULTS } from '../../geometry/annotation-group-defaults.js';
import { createProgress } from '../progress.js';
import { SHARD_DEFAULTS, parseSize } from '../../shard/index.js';
import { PACK_DEFAULTS } from '../../stages/plan/pack-params.js';
import { LAYOUTS, resolveWindowParams, type LayoutChoice } from '../../stages/plan/window-params.js';
import { ensureWritableDir } from '../../run/disk-space.js';
import { checkRunFolderForPlan } from '../../run/run-folder-guard.js';
import { planConcernsFor } from '../../run/plan-concerns.js';
import { planCost } from '../plan-cost.js';
import { formatPlanText } from '../plan-text.js';
import type { ReaderChoice } from '../../slide/index.js';
import { slidesFromArgs, withSlidesFromOption } from '../slides-from-option.js';

interface PlanArgs extends OutputFlags, AnnotationGroupArgs {
  slides?: string[];
  'slides-from'?: string;
  out: string;
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
  'dry-run': boolean;
  force: boolean;
}

export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan [slides..]',
  describe: 'Localize tissue, lay patch grids and write RUN/plan.json plus QC pictures',
  builder: (y) =>
    withSlidesFromOption(withAnnotationGroupOptions(y, 'masks'))
      .positional('slides', { type: 'string', array: true, describe: 'Slide files, folders or globs (or --slides-from FILE)' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'Run folder to write' })
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
        describe:
          'Slide backend: native TIFF/SVS reader, OpenSlide (libopenslide), or auto (native where it reads the file, else OpenSlide)',
      })
      .option('clam-patches', {
        type: 'boolean',
        default: false,
        describe: "Also write CLAM-style patches/<slide-stem>.h5 (coords + attributes) for CLAM's feature extractor",
      })
      .option('concurrency', { type: 'number', describe: 'Slides planned at once (default: min(2, cores))' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Compute and print everything, write nothing' })
      .option('force', { type: 'boolean', default: false, describe: 'Replan slides even when unchanged' })
      .example('$0 plan slides/ --out run1 --mpp 0.5 --patch-size 224', 'Plan every slide in slides/ at 20x')
      .example('$0 plan "cohort/*.svs" --out run1 --stride 112 --dry-run', 'Half-overlapping patches, show only')
      .example('$0 plan slides/ --out run16 --stride 16 --window-positions 56', 'Stride-16 heatmaps: shards hold 1104 px tissue windows')
      .example('$0 plan cohort/ --out run1 --reader openslide', 'Read every slide (NDPI, MRXS, SVS, ...) through OpenSlide')
      .example(
        '$0 plan --slides-from cohort.csv --out run1',
        'Plan the slides of a CSV list (slide column); its other columns go to scores.csv',
      ),
  handler: async (argv) => {
    try {
      // Refusals look at the command line only: a config file's value is a default, not a request.
      if (argv['stain-norm'] === 'none' && argv['stain-target'] !== 'builtin' && !isFromConfig(argv, 'stain-target'))
        throw new OptionError(
          '`--stain-target` applies to `--stain-norm macenko`',
          'Add --stain-norm macenko, or leave out --stain-target',
        );
      // Groups select polygons of --masks files; without masks a changed list would be ignored.
      const groupFlags = (['tumour', 'exclude'] as const).filter(
        (k) => argv[`${k}-groups`] !== ANNOTATION_GROUP_DEFAULTS[k].join(',') && !isFromConfig(argv, `${k}-groups`),
      );
      if (groupFlags.length && argv.masks === undefined)
        throw new OptionError(
          `\`--${groupFlags[0]}-groups\` applies to \`--masks\``,
          `Add --masks DIR, or leave out --${groupFlags[0]}-groups`,
        );
      // The list is checked before anything is written: a missing slide or a bad row is exit 2.
      const { inputs, slideList } = await slidesFromArgs(argv, 'plan');
      const { runPlan } = await import('../../stages/plan/index.js');
      const grid = {
        patchSizePx: argv['patch-size'],
        targetMpp: argv.mpp,
        level: argv.level,
        stridePx: argv.stride,
        minTissue: argv['min-tissue'],
      };
      // Grid options are refused before the stride warning below (`--stride 1.5` is an error, not a concern).
      normalizeGridOptions(grid);
      // A tiny stride is known before any slide is read: say so now, since laying its grids takes long.
      // Window plans store each pixel about once, so only a patch layout warns.
      const windows = resolveWindowParams(normalizeGridOptions(grid), argv.layout, argv['window-positions']);
      const strideWarning = strideConcern(argv['patch-size'], argv.stride ?? argv['patch-size'], windows !== null);
      if (strideWarning) warn(strideWarning.message);
      // A run folder that cannot be written fails now, not after every slide has been read.
      if (!argv['dry-run']) await ensureWritableDir(argv.out);
      await checkRunFolderForPlan(argv.out);
      const progress = shouldShowProgress(argv) ? createProgress('planning') : null;
      const result = await runPlan({
        inputs,
        ...(slideList ? { slideList } : {}),
        out: argv.out,
        grid,
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
        isDryRun: argv['dry-run'],
        isForced: argv.force,
        maxGridPatches: argv['max-grid-patches'],
        onSlideDone: (s, done, total) => progress?.update(done, total, s.name),
      });
      progress?.stop();
      const { plan } = result;
      // Before anything costs hours: shards larger than the free space, implausible patch counts or stride.
      const concerns = await planConcernsFor(plan, argv.out);
      for (const c of concerns) if (c.kind !== 'stride') warn(`${c.message}; \`wsi-hpc submit\` refuses this plan without --force`);
      for (const s of plan.slides) {
        const g = s.grid;
        if (s.status !== 'planned' || !g || g.count > 0 || !s.info) continue;
        // A patch larger than the slide (`--mpp 1e12`) or a threshold no patch meets: say so instead of a silent 0.
        const why =
          g.footprintLevel0 > Math.min(s.info.width, s.info.height)
            ? `a patch covers ${g.footprintLevel0} px of level 0, more than the ${s.info.width}x${s.info.height} slide; lower --mpp or --patch-size`
            : 'no patch has enough tissue; check --min-tissue, the tissue mask or --masks';
        warn(`${s.name}: 0 patches planned: ${why}`);
      }
      const failed = plan.slides.filter((s) => s.status === 'failed');
      if (argv.json) {
        printJson({
          planFile: result.isDryRun ? null : result.planFile,
          dryRun: result.isDryRun,
          totals: plan.totals,
          planHash: plan.planHash,
          windows: plan.params.windows ?? null,
          reused: result.reused,
          reader: argv.reader,
          skipped: result.skipped,
          clamPatches: result.clamPatches ? Object.fromEntries(result.clamPatches) : null,
          shards: plan.shards.list.map((sh) => ({
            id: sh.id,
            patches: sh.patches,
            ...(sh.windows === undefined ? {} : { windows: sh.windows }),
            expectedBytes: sh.expectedBytes,
            slides: sh.segments.map((g) => g.slideId),
          })),
          tasks: { pack: plan.tasks.pack },
          estimate: { patches: plan.totals.patches, ...planCost(plan) },
          warnings: concerns.map((c) => c.message),
          slides: plan.slides.map((s) => ({
            id: s.id,
            name: s.name,
            path: s.path,
            status: s.status,
            backend: s.info ? (s.info.backend ?? 'native') : null,
            width: s.info?.width,
            height: s.info?.height,
            mpp: s.info?.mpp,
            level: s.grid?.level,
            tissueFraction: s.tissue?.tissueFraction,
            patches: s.grid?.count ?? 0,
            isReused: result.reused.includes(s.id),
            error: s.error,
          })),
        });
      } else if (!argv.quiet) {
        process.stdout.write(formatPlanText(result));
      }
      if (failed.length > 0) {
        log(argv, `${failed.length} slide(s) failed; fix or remove them and rerun the same command (planned slides are reused).`);
        process.exitCode ??= 1;
      }
    } catch (err) {
      reportError(argv, err);
    }
  },
};
