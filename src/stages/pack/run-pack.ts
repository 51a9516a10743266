// The `pack` stage: packs the shards of one array task (the form SLURM runs), or every shard
// of the run locally. Shards already complete and verified are skipped; failures are recorded
// per shard and the other shards still complete.
import { readPlan } from '../../plan/index.js';
import { resolveTaskId } from '../../run/task-id.js';
import { writeTaskMarker } from '../../run/markers.js';
import { isStopRequested, watchStopSignal } from '../../run/stop-signal.js';
import { runPaths } from '../../run/paths.js';
import { expectPositiveInt } from '../../util/is.js';
import { chooseThreads } from '../../runner/device.js';
import { TileDecodePool } from '../../slide/tiff/tile-decode-pool.js';
import { TURBOJPEG_INSTALL_HINT } from '../../slide/tiff/turbojpeg.js';
import type { DecodePoolProvider } from './band-source.js';
import { PACK_RUN_DEFAULTS } from './defaults.js';
import { packShard, type PackShardResult } from './pack-shard.js';
import type { PatchSource } from './patch-source.js';

export interface PackRunOptions {
  run: string;
  /** Array task to pack; undefined = SLURM_ARRAY_TASK_ID (+ offset) or, if unset, all shards. */
  task?: number;
  readConcurrency?: number;
  /** Patches per HDF5 write; default defaultBatchPatches(chunkPatches). */
  batchPatches?: number;
  /** JPEG decode threads; default SLURM_CPUS_PER_TASK, else the machine's cores (see chooseThreads). */
  threads?: number;
  isVerifying?: boolean;
  env?: NodeJS.ProcessEnv;
  onPatches?: (n: number, total: number) => void;
  /** Said once when JPEG tiles fall back to libvips (TurboJPEG missing): it costs about twice the CPU. */
  onWarning?: (message: string) => void;
}

export interface PackRunResult {
  task: number | null;
  shards: PackShardResult[];
  failed: number;
}

export async function runPack(options: PackRunOptions): Promise<PackRunResult> {
  const paths = runPaths(options.run);
  const plan = await readPlan(paths.plan);
  const tasks = plan.tasks.pack;
  const task = resolveTaskId(options.task, options.env ?? process.env, tasks.length);
  const shardIndexes = task === null ? plan.shards.list.map((s) => s.index) : tasks[task].shards;
  const total = shardIndexes.reduce((n, i) => n + plan.shards.list[i].patches, 0);
  let done = 0;
  const env = options.env ?? process.env;
  const threads = chooseThreads(options.threads === undefined ? undefined : expectPositiveInt('threads', options.threads), env).threads;
  // The TurboJPEG workers start when the first JPEG-tiled TIFF level is opened, and stop with the task.
  let pool: Promise<TileDecodePool | string> | undefined;
  const decodePool: DecodePoolProvider = () => {
    pool ??= TileDecodePool.start(threads).then((started) => {
      if (typeof started === 'string')
        options.onWarning?.(
          `${started}; JPEG tiles are decoded by libvips instead, at about twice the CPU-seconds. ${TURBOJPEG_INSTALL_HINT}`,
        );
      return started;
    });
    return pool;
  };
  const ctx = {
    plan,
    runRoot: paths.root,
    readConcurrency: expectPositiveInt('readConcurrency', options.readConcurrency ?? PACK_RUN_DEFAULTS.readConcurrency),
    batchPatches: options.batchPatches === undefined ? undefined : expectPositiveInt('batchPatches', options.batchPatches),
    isVerifying: options.isVerifying ?? false,
    decodePool,
    onPatches: (n: number) => {
      done += n;
      options.onPatches?.(done, total);
    },
  };
  const sources = new Map<string, Promise<PatchSource>>();
  const results: PackShardResult[] = [];
  const startedAt = new Date();
  try {
    watchStopSignal();
    for (const i of shardIndexes) {
      if (isStopRequested()) break;
      results.push(await packShard(plan.shards.list[i], ctx, sources, { env }));
    }
  } finally {
    const started = await pool;
    if (started && typeof started !== 'string') await started.close();
    for (const s of sources.values())
      await s.then(
        (src) => src.close(),
        () => undefined,
      );
  }
  // Shards not reached after a stop signal count as failed, so the task is resubmitted.
  const failed = results.filter((r) => r.status === 'failed').length + (shardIndexes.length - results.length);
  if (task !== null) {
    await writeTaskMarker(paths.marker('pack', `task-${String(task).padStart(5, '0')}`), 'pack', task, {
      isFailed: failed > 0,
      planHash: plan.planHash,
      startedAt,
      result: { shards: results.map((r) => ({ shard: r.shard, status: r.status, patches: r.patches, error: r.error })) },
    });
  }
  return { task, shards: results, failed };
}
