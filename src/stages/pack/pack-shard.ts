// Packs one shard: reads its patches in grid order (each tile decoded once through the slide's
// tile cache), overlaps reading the next batch with writing the current one, writes to a
// temporary name, re-reads and checks count and checksum, renames, then writes the marker.
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import pLimit from 'p-limit';
import { WsiHpcError } from '../../errors.js';
import { ShardReader, ShardWriter, type ShardSlideMeta } from '../../hdf5/index.js';
import type { PlanFile, PlanSlide } from '../../plan/index.js';
import type { Shard } from '../../shard/index.js';
import { readMarker, writeMarker, type Marker } from '../../run/markers.js';
import { runPaths } from '../../run/paths.js';
import { tempPathFor } from '../../util/atomic.js';
import { CONTENT_HASH, contentHasher } from '../../util/hash.js';
import { openPatchSource, type PatchSource } from './patch-source.js';

export interface PackContext {
  plan: PlanFile;
  runRoot: string;
  /** Patches decoded at once (sharp decodes on libuv's thread pool). */
  readConcurrency: number;
  /** Patches per write_slice call. */
  batchPatches: number;
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
  /** xxh128 of all patch pixels in order (see contentHasher). */
  checksum?: string;
  error?: { code: string; message: string; hint?: string };
}

/** The content checksum of a shard: SHA-256 over its patch pixels in order. */
export async function hashShardPatches(path: string, batch = 256): Promise<{ count: number; checksum: string }> {
  const reader = await ShardReader.open(path);
  try {
    const h = await contentHasher();
    for (let s = 0; s < reader.count; s += batch) h.update(reader.readPatches(s, batch).pixels);
    return { count: reader.count, checksum: h.digest() };
  } finally {
    reader.close();
  }
}

async function isComplete(marker: Marker | null, planHash: string, file: string, isVerifying: boolean): Promise<boolean> {
  if (marker?.status !== 'done' || marker.planHash !== planHash) return false;
  const st = await stat(file).catch(() => null);
  if (!st || st.size !== marker.result?.fileBytes) return false;
  if (!isVerifying) return true;
  const { count, checksum } = await hashShardPatches(file).catch(() => ({ count: -1, checksum: '' }));
  return count === marker.result?.patches && checksum === marker.result?.checksum;
}

async function removeStaleTemps(file: string): Promise<void> {
  const dir = dirname(file);
  const prefix = `.tmp-${basename(file)}-`;
  for (const name of await readdir(dir).catch(() => [] as string[]))
    if (name.startsWith(prefix)) await rm(join(dir, name), { force: true });
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

export async function packShard(shard: Shard, ctx: PackContext, sources: Map<string, Promise<PatchSource>>): Promise<PackShardResult> {
  const paths = runPaths(ctx.runRoot);
  const file = paths.shard(shard.id);
  const markerPath = paths.marker('pack', shard.id);
  const startedAt = new Date();
  const t0 = performance.now();
  if (await isComplete(await readMarker(markerPath), ctx.plan.planHash, file, ctx.isVerifying)) {
    return { shard: shard.id, status: 'skipped', patches: shard.patches, bytes: 0, seconds: 0 };
  }
  await removeStaleTemps(file);
  const tmp = tempPathFor(file);
  const bySlide = new Map(ctx.plan.slides.map((s) => [s.id, s]));
  const slides = [...new Set(shard.segments.map((g) => g.slideId))].map((id) => bySlide.get(id) as PlanSlide);
  const slideIdx = new Map(slides.map((s, i) => [s.id, i]));
  let writer: ShardWriter | null = null;
  try {
    const open = (s: PlanSlide) => {
      if (!sources.has(s.id)) sources.set(s.id, openPatchSource(ctx.plan, ctx.runRoot, s));
      return sources.get(s.id) as Promise<PatchSource>;
    };
    const segSources = await Promise.all(shard.segments.map((g) => open(bySlide.get(g.slideId) as PlanSlide)));
    const n = shard.patches;
    const coords = new Int32Array(2 * n);
    const slideIndex = new Int32Array(n);
    const gridIndex = new Int32Array(n);
    const jobs: Array<{ read: (index: number, into: Uint8Array) => Promise<void>; index: number }> = [];
    shard.segments.forEach((g, k) => {
      const read = segSources[k].rangeReader(g.start, g.end);
      for (let i = g.start; i < g.end; i++) {
        const at = g.offset + i - g.start;
        coords[2 * at] = segSources[k].grid.coords[2 * i];
        coords[2 * at + 1] = segSources[k].grid.coords[2 * i + 1];
        slideIndex[at] = slideIdx.get(g.slideId) as number;
        gridIndex[at] = i;
        jobs.push({ read, index: i });
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
    const limit = pLimit(ctx.readConcurrency);
    const readBatch = (start: number): Promise<Uint8Array> => {
      const end = Math.min(n, start + ctx.batchPatches);
      const buf = new Uint8Array((end - start) * patchBytes);
      return Promise.all(
        jobs.slice(start, end).map((job, j) =>
          limit(async () => {
            await job.read(job.index, buf.subarray(j * patchBytes, (j + 1) * patchBytes));
          }),
        ),
      ).then(() => buf);
    };
    const hash = await contentHasher();
    let next = n > 0 ? readBatch(0) : null;
    for (let start = 0; start < n; start += ctx.batchPatches) {
      const pixels = await (next as Promise<Uint8Array>);
      // Start decoding the next batch before the (synchronous) HDF5 write of this one.
      next = start + ctx.batchPatches < n ? readBatch(start + ctx.batchPatches) : null;
      hash.update(pixels);
      writer.writeBatch(pixels);
      ctx.onPatches?.(pixels.length / patchBytes);
    }
    writer.close();
    writer = null;
    const checksum = hash.digest();
    const check = await hashShardPatches(tmp);
    if (check.count !== n || check.checksum !== checksum) {
      throw new WsiHpcError(
        'SHARD_WRITE_FAILED',
        `${file}: verification failed after writing (${check.count}/${n} patches, checksum ${check.checksum === checksum ? 'ok' : 'mismatch'})`,
        { file },
      );
    }
    await rename(tmp, file);
    const fileBytes = (await stat(file)).size;
    const seconds = (performance.now() - t0) / 1000;
    await writeMarker(markerPath, {
      stage: 'pack',
      unit: shard.id,
      status: 'done',
      planHash: ctx.plan.planHash,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seconds,
      result: {
        patches: n,
        checksum,
        checksumAlgorithm: CONTENT_HASH,
        fileBytes,
        file: `shards/${basename(file)}`,
        patchesPerSecond: n / seconds,
      },
    });
    return { shard: shard.id, status: 'done', patches: n, bytes: fileBytes, seconds, checksum };
  } catch (err) {
    writer?.close();
    await rm(tmp, { force: true });
    const e = err instanceof WsiHpcError ? err : null;
    const error = { code: e?.code ?? 'INTERNAL', message: err instanceof Error ? err.message : String(err), hint: e?.hint };
    const seconds = (performance.now() - t0) / 1000;
    await writeMarker(markerPath, {
      stage: 'pack',
      unit: shard.id,
      status: 'failed',
      planHash: ctx.plan.planHash,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      seconds,
      error,
    });
    return { shard: shard.id, status: 'failed', patches: 0, bytes: 0, seconds, error };
  }
}
