// Packs one shard through the unit-of-work skeleton (src/run/unit-of-work.ts: lock, temporary
// name, verify, rename, marker): reads its patches in grid order (each tile decoded once, in bands),
// overlapping reading the next batch with writing the current one.
import { basename } from 'node:path';
import { WsiHpcError } from '../../errors.js';
import { ShardReader, ShardWriter, type ShardSlideMeta } from '../../hdf5/index.js';
import type { PlanFile, PlanSlide } from '../../plan/index.js';
import type { Shard } from '../../shard/index.js';
import type { Marker } from '../../run/markers.js';
import { runPaths } from '../../run/paths.js';
import { isOutputPresent } from '../../run/output-present.js';
import { runUnitOfWork, type UnitOptions } from '../../run/unit-of-work.js';
import { CONTENT_HASH, type ContentHashAlgorithm, contentHasher, isContentHashAlgorithm } from '../../util/hash.js';
import type { DecodePoolProvider } from './band-source.js';
import { pipeBatches } from './batch-pipe.js';
import { defaultBatchPatches } from './defaults.js';
import { openPatchSource, type PatchSource, type UnitReader } from './patch-source.js';
import { writeWindowShard } from './window-shard.js';

export interface PackContext {
  plan: PlanFile;
  runRoot: string;
  /** Patches read at once (cut from bands the decode workers or libvips fill). */
  readConcurrency: number;
  /** Patches per write_slice call; undefined: defaultBatchPatches of the plan's chunks. */
  batchPatches?: number;
  /** TurboJPEG decode workers for JPEG-tiled TIFF slides (started on first use); libvips without. */
  decodePool?: DecodePoolProvider;
  /** Re-hash existing shards before skipping them. */
  isVerifying: boolean;
  onPatches?: (n: number) => void;
}

export interface PackShardResult {
  shard: string;
  status: 'done' | 'skipped' | 'failed';
  patches: number;
  bytes: number;
  seconds: number;
  /** CONTENT_HASH (xxh64) of all patch pixels in order (see contentHasher). */
  checksum?: string;
  /** What decoded the pixels: 'turbojpeg', 'libvips', 'tiles' (the slide reader) or 'openslide'; '+'-joined when mixed. */
  decoder?: string;
  error?: { code: string; message: string; hint?: string };
}

/** The content checksum of a shard: `algorithm` over its patch (or window) pixels in order; count = patches or kept positions. */
export async function hashShardPatches(
  path: string,
  algorithm: ContentHashAlgorithm = CONTENT_HASH,
): Promise<{ count: number; checksum: string }> {
  const reader = await ShardReader.open(path);
  try {
    const h = await contentHasher(algorithm);
    // Read into h5wasm's heap and hashed there: no per-batch copy out to JS.
    await reader.scanPixels((pixels) => h.update(pixels));
    return { count: reader.count, checksum: h.digest() };
  } finally {
    reader.close();
  }
}

const WRITE_FAILED_HINT = 'Check the disk (full, quota, failing storage) and rerun `wsi-hpc pack`';

/**
 * Reads a just-written shard back and checks its count and pixel checksum against what was written;
 * anything else (truncated, unreadable, other pixels) is SHARD_WRITE_FAILED naming `file`.
 */
export async function verifyWrittenShard(tmp: string, file: string, expected: { patches: number; checksum: string }): Promise<void> {
  let check: { count: number; checksum: string };
  try {
    check = await hashShardPatches(tmp);
  } catch (err) {
    const reason = err instanceof WsiHpcError ? err.message : `HDF5 cannot read it back: ${(err as Error).message}`;
    throw new WsiHpcError('SHARD_WRITE_FAILED', `${file}: verification failed after writing (${reason})`, {
      file,
      hint: WRITE_FAILED_HINT,
      cause: err,
    });
  }
  if (check.count !== expected.patches || check.checksum !== expected.checksum) {
    throw new WsiHpcError(
      'SHARD_WRITE_FAILED',
      `${file}: verification failed after writing (${check.count}/${expected.patches} patches, checksum ${check.checksum === expected.checksum ? 'ok' : 'mismatch'})`,
      { file, hint: WRITE_FAILED_HINT },
    );
  }
}

// Trust a done marker only if the shard file is there, has the recorded size and says it is this
// plan's shard with the recorded patch count (and, with --verify, the recorded pixel checksum).
async function isComplete(shard: Shard, marker: Marker, planHash: string, file: string, isVerifying: boolean): Promise<boolean> {
  if (!(await isOutputPresent(marker, file))) return false;
  const reader = await ShardReader.open(file);
  try {
    const a = reader.attrs;
    if (a.plan_hash !== planHash || a.shard_id !== shard.id || reader.count !== shard.patches || a.count !== shard.patches) return false;
    if (reader.units !== (shard.windows ?? shard.patches)) return false;
  } finally {
    reader.close();
  }
  if (!isVerifying) return true;
  // Hashed with the algorithm the marker recorded (older runs: xxh128); an unknown one cannot be checked: repack.
  const algorithm = marker.result?.checksumAlgorithm;
  if (!isContentHashAlgorithm(algorithm)) return false;
  const { count, checksum } = await hashShardPatches(file, algorithm);
  return count === marker.result?.patches && checksum === marker.result?.checksum;
}

function slideMeta(s: PlanSlide): ShardSlideMeta {
  const g = s.grid;
  return {
    id: s.id,
    name: s.name,
    level: g?.level ?? -1,
    downsample: g?.downsample ?? Number.NaN,
    mpp: g?.patchMpp ?? Number.NaN,
    readSizePx: g?.readSizePx ?? 0,
  };
}

export async function packShard(
  shard: Shard,
  ctx: PackContext,
  sources: Map<string, Promise<PatchSource>>,
  options: UnitOptions = {},
): Promise<PackShardResult> {
  const paths = runPaths(ctx.runRoot);
  const file = paths.shard(shard.id);
  const outcome = await runUnitOfWork(
    {
      stage: 'pack',
      unit: shard.id,
      planHash: ctx.plan.planHash,
      markerPath: paths.marker('pack', shard.id),
      output: file,
      fallbackCode: 'INTERNAL',
      isComplete: (marker) => isComplete(shard, marker, ctx.plan.planHash, file, ctx.isVerifying),
      produce: (tmp) => writeShard(shard, ctx, sources, tmp),
      verify: (tmp, produced) => verifyWrittenShard(tmp, file, produced),
      markerResult: (produced, fileBytes, seconds) => ({
        patches: produced.patches,
        checksum: produced.checksum,
        checksumAlgorithm: CONTENT_HASH,
        fileBytes,
        file: `shards/${basename(file)}`,
        patchesPerSecond: produced.patches / seconds,
        decoder: produced.decoder,
      }),
    },
    options,
  );
  if (outcome.status === 'skipped') return { shard: shard.id, status: 'skipped', patches: shard.patches, bytes: 0, seconds: 0 };
  if (outcome.status === 'failed')
    return { shard: shard.id, status: 'failed', patches: 0, bytes: 0, seconds: outcome.seconds, error: outcome.error };
  const { patches, checksum, decoder } = outcome.produced;
  return { shard: shard.id, status: 'done', patches, bytes: outcome.fileBytes, seconds: outcome.seconds, checksum, decoder };
}

// Reads the shard's patches in grid order and writes them to `tmp`; returns the count and checksum.
async function writeShard(
  shard: Shard,
  ctx: PackContext,
  sources: Map<string, Promise<PatchSource>>,
  tmp: string,
): Promise<{ patches: number; checksum: string; decoder: string }> {
  const bySlide = new Map(ctx.plan.slides.map((s) => [s.id, s]));
  const slides = [...new Set(shard.segments.map((g) => g.slideId))].map((id) => bySlide.get(id) as PlanSlide);
  const slideIdx = new Map(slides.map((s, i) => [s.id, i]));
  let writer: ShardWriter | null = null;
  // Closed however the shard ends, so their band buffers go back to the shared arena.
  const readers: Array<UnitReader<number>> = [];
  try {
    const open = (s: PlanSlide) => {
      if (!sources.has(s.id)) sources.set(s.id, openPatchSource(ctx.plan, ctx.runRoot, s, { decodePool: ctx.decodePool }));
      return sources.get(s.id) as Promise<PatchSource>;
    };
    const segSources = await Promise.all(shard.segments.map((g) => open(bySlide.get(g.slideId) as PlanSlide)));
    const decoder = [...new Set(segSources.map((s) => s.decoder))].sort().join('+');
    if (ctx.plan.params.windows) {
      const written = await writeWindowShard({
        shard,
        plan: ctx.plan,
        tmp,
        sources: segSources,
        slides,
        slideMeta,
        readConcurrency: ctx.readConcurrency,
        onPositions: ctx.onPatches,
      });
      return { ...written, decoder };
    }
    const n = shard.patches;
    const coords = new Int32Array(2 * n);
    const slideIndex = new Int32Array(n);
    const gridIndex = new Int32Array(n);
    const jobs: Array<{ reader: UnitReader<number>; index: number }> = [];
    shard.segments.forEach((g, k) => {
      const reader = segSources[k].rangeReader(g.start, g.end);
      readers.push(reader);
      for (let i = g.start; i < g.end; i++) {
        const at = g.offset + i - g.start;
        coords[2 * at] = segSources[k].grid.coords[2 * i];
        coords[2 * at + 1] = segSources[k].grid.coords[2 * i + 1];
        slideIndex[at] = slideIdx.get(g.slideId) as number;
        gridIndex[at] = i;
        jobs.push({ reader, index: i });
      }
    });
    const p = ctx.plan.params.grid.patchSizePx;
    writer = await ShardWriter.create({
      path: tmp,
      coords,
      slideIndex,
      gridIndex,
      chunkPatches: ctx.plan.params.pack.chunkPatches,
      compression: ctx.plan.params.pack.compression,
      meta: {
        shardId: shard.id,
        planHash: ctx.plan.planHash,
        patchSizePx: p,
        stridePx: ctx.plan.params.grid.stridePx,
        slides: slides.map(slideMeta),
      },
    });
    const patchBytes = p * p * 3;
    const hash = await contentHasher();
    const out = writer;
    await pipeBatches({
      units: n,
      unitBytes: patchBytes,
      perBatch: ctx.batchPatches ?? defaultBatchPatches(ctx.plan.params.pack.chunkPatches),
      concurrency: ctx.readConcurrency,
      read: (u, into) => jobs[u].reader.read(jobs[u].index, into),
      consume: (pixels) => {
        hash.update(pixels);
        out.writeBatch(pixels);
        ctx.onPatches?.(pixels.length / patchBytes);
      },
    });
    writer.close();
    writer = null;
    return { patches: n, checksum: hash.digest(), decoder };
  } finally {
    writer?.close();
    for (const r of readers) r.close();
  }
}
