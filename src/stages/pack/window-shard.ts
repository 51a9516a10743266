// Writes one window shard (plans with a window layout, docs/FORMAT.md): for each of its windows, the
// window's pixels read in row-major order through the slide's band reader (each tile decoded once),
// its origin, slide and kept-position mask; for each kept position, its grid index, level-0 corner,
// window and offset inside the window. Called by pack-shard.ts inside the unit-of-work skeleton.
import { pipeBatches } from './batch-pipe.js';
import { WsiHpcError } from '../../errors.js';
import { groupWindows, type SlideWindows } from '../../grid/index.js';
import { ShardWriter, type ShardSlideMeta } from '../../hdf5/index.js';
import type { PlanFile, PlanSlide, WindowParams } from '../../plan/index.js';
import type { Shard } from '../../shard/index.js';
import { contentHasher } from '../../util/hash.js';
import type { PatchSource, UnitReader } from './patch-source.js';

/**
 * Windows cut before each HDF5 write: about 4 MiB of pixels (at least one window), small enough to stay in the
 * CPU's cache between the cut, the hash and h5wasm's copy: 36 CPU-s against 37-40 with 64 MiB, 0.25 GiB less RSS.
 */
const BATCH_BYTES = 4 * 2 ** 20;

const windowsOf = new WeakMap<PatchSource, SlideWindows>();

/** The slide's windows for this plan's k (computed once per slide and pack process). */
export function slideWindows(source: PatchSource, k: number): SlideWindows {
  let w = windowsOf.get(source);
  const g = source.slide.grid as NonNullable<PlanSlide['grid']>;
  if (!w || w.k !== k) {
    w = groupWindows({ coords: source.grid.coords, strideLevel0: g.strideLevel0, cols: g.cols, rows: g.rows }, k);
    if (g.windows && g.windows.count !== w.count) {
      throw new WsiHpcError(
        'PLAN_INVALID',
        `${source.slide.path}: the plan records ${g.windows.count} windows, its grid gives ${w.count}`,
        {
          hint: 'Plan the run again (`wsi-hpc plan ... --force`)',
        },
      );
    }
    windowsOf.set(source, w);
  }
  return w;
}

export interface WindowShardInput {
  shard: Shard;
  plan: PlanFile;
  tmp: string;
  /** Each segment's patch source (opened by the caller, shared across shards of one task). */
  sources: PatchSource[];
  slides: PlanSlide[];
  slideMeta: (s: PlanSlide) => ShardSlideMeta;
  readConcurrency: number;
  onPositions?: (n: number) => void;
}

export async function writeWindowShard(o: WindowShardInput): Promise<{ patches: number; checksum: string }> {
  const { shard, plan } = o;
  const win = plan.params.windows as WindowParams;
  const { positions: k, sidePx: side } = win;
  const stride = plan.params.grid.stridePx;
  const m = shard.windows ?? 0;
  const n = shard.patches;
  const slideIdx = new Map(o.slides.map((s, i) => [s.id, i]));
  const windowCoords = new Int32Array(2 * m);
  const windowSlide = new Int32Array(m);
  const mask = new Uint8Array(m * k * k);
  const coords = new Int32Array(2 * n);
  const slideIndex = new Int32Array(n);
  const gridIndex = new Int32Array(n);
  const positionWindow = new Int32Array(n);
  const positionOffset = new Int32Array(2 * n);
  const jobs: Array<{ origin: [number, number]; reader: UnitReader<[number, number]> }> = [];
  // Closed however the shard ends, so their band buffers go back to the shared arena.
  const readers: Array<UnitReader<[number, number]>> = [];
  let at = 0;
  let writer: ShardWriter | null = null;
  try {
    shard.segments.forEach((seg, s) => {
      const source = o.sources[s];
      const w = slideWindows(source, k);
      const g = source.slide.grid as NonNullable<PlanSlide['grid']>;
      if (seg.end > w.count) {
        throw new WsiHpcError('PLAN_INVALID', `${shard.id}: segment of ${seg.slideId} ends at window ${seg.end}, the slide has ${w.count}`);
      }
      const origins: Array<[number, number]> = [];
      for (let v = seg.start; v < seg.end; v++) origins.push([w.originX[v], w.originY[v]]);
      // A window is `side` pixels at the patch resolution: that many times readSize/patchSize at the level.
      const readSide = Math.round((side * g.readSizePx) / g.patchSizePx);
      const reader = source.regionReader(origins, readSide, side);
      readers.push(reader);
      for (let v = seg.start; v < seg.end; v++) {
        const slot = seg.offset + v - seg.start;
        windowCoords[2 * slot] = w.originX[v];
        windowCoords[2 * slot + 1] = w.originY[v];
        windowSlide[slot] = slideIdx.get(seg.slideId) as number;
        jobs.push({ origin: [w.originX[v], w.originY[v]], reader });
        for (let q = w.posStart[v]; q < w.posStart[v + 1]; q++) {
          const i = w.posGrid[q];
          const cell = w.posCell[q];
          mask[slot * k * k + cell] = 1;
          coords[2 * at] = source.grid.coords[2 * i];
          coords[2 * at + 1] = source.grid.coords[2 * i + 1];
          slideIndex[at] = windowSlide[slot];
          gridIndex[at] = i;
          positionWindow[at] = slot;
          positionOffset[2 * at] = (cell % k) * stride;
          positionOffset[2 * at + 1] = Math.floor(cell / k) * stride;
          at++;
        }
      }
    });
    if (at !== n || jobs.length !== m) {
      throw new WsiHpcError(
        'PLAN_INVALID',
        `${shard.id}: the plan says ${m} windows and ${n} positions, the grids give ${jobs.length} and ${at}`,
        {
          hint: 'Plan the run again (`wsi-hpc plan ... --force`)',
        },
      );
    }
    writer = await ShardWriter.create({
      path: o.tmp,
      coords,
      slideIndex,
      gridIndex,
      chunkPatches: 1,
      compression: plan.params.pack.compression,
      meta: {
        shardId: shard.id,
        planHash: plan.planHash,
        patchSizePx: plan.params.grid.patchSizePx,
        stridePx: stride,
        slides: o.slides.map(o.slideMeta),
      },
      windows: { positions: k, sidePx: side, coords: windowCoords, slideIndex: windowSlide, mask, positionWindow, positionOffset },
    });
    const windowBytes = side * side * 3;
    const perBatch = Math.max(1, Math.floor(BATCH_BYTES / windowBytes));
    const hash = await contentHasher();
    const out = writer;
    await pipeBatches({
      units: m,
      unitBytes: windowBytes,
      perBatch,
      concurrency: o.readConcurrency,
      read: (v, into) => jobs[v].reader.read(jobs[v].origin, into),
      consume: (pixels, start) => {
        hash.update(pixels);
        out.writeBatch(pixels);
        const count = pixels.length / windowBytes;
        let held = 0;
        for (let v = start; v < start + count; v++) held += countMask(mask, v, k);
        o.onPositions?.(held);
      },
    });
    writer.close();
    writer = null;
    return { patches: n, checksum: hash.digest() };
  } finally {
    writer?.close();
    for (const r of readers) r.close();
  }
}

function countMask(mask: Uint8Array, v: number, k: number): number {
  let c = 0;
  for (let i = v * k * k; i < (v + 1) * k * k; i++) c += mask[i];
  return c;
}
