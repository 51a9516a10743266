// Writes one shard file: the small datasets (coordinates, indices, slide table) at creation,
// then patch pixels in batches through write_slice, so h5wasm's 2 GiB heap never holds a shard.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { ensureFreeSpace } from '../run/disk-space.js';
import { loadH5 } from './h5.js';
import {
  DATASETS,
  SHARD_LAYOUT_VERSION,
  WINDOW_LAYOUT_VERSION,
  type ShardCompression,
  type ShardMeta,
  type WindowShardMeta,
} from './layout.js';

export interface ShardWriterOptions {
  path: string;
  meta: ShardMeta;
  /** Level-0 x, y per patch (2N values); in a window shard, per kept position. */
  coords: Int32Array;
  slideIndex: Int32Array;
  gridIndex: Int32Array;
  /** Patches per HDF5 chunk of /patches. */
  chunkPatches: number;
  compression: ShardCompression;
  /** Window shards: /windows [M, W, W, 3] holds the pixels instead of /patches (chunkPatches counts windows). */
  windows?: WindowShardMeta;
}

type H5File = InstanceType<Awaited<ReturnType<typeof loadH5>>['File']>;
type H5Dataset = NonNullable<ReturnType<H5File['get']>> & { write_slice(r: number[][], d: unknown): void; resize(s: number[]): number };

export class ShardWriter {
  private written = 0;
  private constructor(
    private readonly file: H5File,
    private readonly patches: H5Dataset,
    readonly count: number,
    private readonly patchBytes: number,
    readonly path: string,
  ) {}

  static async create(o: ShardWriterOptions): Promise<ShardWriter> {
    const h5 = await loadH5();
    const n = o.slideIndex.length;
    const p = o.meta.patchSizePx;
    const w = o.windows;
    // The pixel dataset: N patches of P x P, or M windows of W x W.
    const units = w ? w.slideIndex.length : n;
    const edge = w ? w.sidePx : p;
    await mkdir(dirname(o.path), { recursive: true });
    // An uncompressed shard's size is known: refuse it up front rather than let HDF5 fill the disk.
    if (o.compression.codec === 'none') await ensureFreeSpace(o.path, units * edge * edge * 3, 'shard');
    const file = new h5.File(o.path, 'w');
    try {
      if (!((file as unknown as { file_id: bigint }).file_id >= 0n)) throw new Error('HDF5 could not create the file');
      const chunk = Math.max(1, Math.min(o.chunkPatches, units));
      const patches = file.create_dataset({
        name: w ? DATASETS.windows : DATASETS.patches,
        data: new Uint8Array(0),
        shape: [0, edge, edge, 3],
        maxshape: [units, edge, edge, 3],
        dtype: '<B',
        chunks: [chunk, edge, edge, 3],
        ...(o.compression.codec === 'gzip' ? { compression: 'gzip' as const, compression_opts: o.compression.level } : {}),
      }) as unknown as H5Dataset;
      patches.resize([units, edge, edge, 3]);
      if (w) writeWindowDatasets(file, w, o.path);
      const coords64 = new BigInt64Array(2 * n);
      for (let i = 0; i < 2 * n; i++) coords64[i] = BigInt(o.coords[i]);
      file.create_dataset({ name: DATASETS.coords, data: coords64, shape: [n, 2], dtype: '<q' });
      file.create_dataset({ name: DATASETS.slideIndex, data: o.slideIndex, shape: [n], dtype: '<i' });
      file.create_dataset({ name: DATASETS.gridIndex, data: o.gridIndex, shape: [n], dtype: '<i' });
      file.create_group('slides');
      const s = o.meta.slides;
      file.create_dataset({ name: DATASETS.slideIds, data: s.map((x) => x.id) });
      file.create_dataset({ name: DATASETS.slideNames, data: s.map((x) => x.name) });
      file.create_dataset({ name: DATASETS.slideLevels, data: Int32Array.from(s.map((x) => x.level)), shape: [s.length], dtype: '<i' });
      file.create_dataset({
        name: DATASETS.slideDownsamples,
        data: Float64Array.from(s.map((x) => x.downsample)),
        shape: [s.length],
        dtype: '<d',
      });
      file.create_dataset({ name: DATASETS.slideMpps, data: Float64Array.from(s.map((x) => x.mpp)), shape: [s.length], dtype: '<d' });
      file.create_dataset({
        name: DATASETS.slideReadSizes,
        data: Int32Array.from(s.map((x) => x.readSizePx)),
        shape: [s.length],
        dtype: '<i',
      });
      file.create_attribute('layout_version', w ? WINDOW_LAYOUT_VERSION : SHARD_LAYOUT_VERSION, null, '<i');
      file.create_attribute('layout', w ? 'windows' : 'patches');
      if (w) {
        file.create_attribute('window_positions', w.positions, null, '<i');
        file.create_attribute('window_size', w.sidePx, null, '<i');
        file.create_attribute('window_count', units, null, '<i');
      }
      file.create_attribute('shard_id', o.meta.shardId);
      file.create_attribute('plan_hash', o.meta.planHash);
      file.create_attribute('patch_size', p, null, '<i');
      file.create_attribute('stride', o.meta.stridePx, null, '<i');
      file.create_attribute('count', n, null, '<i');
      return new ShardWriter(file, patches, units, edge * edge * 3, o.path);
    } catch (err) {
      file.close();
      throw new WsiHpcError('SHARD_WRITE_FAILED', `${o.path}: could not create the shard: ${(err as Error).message}`, {
        file: o.path,
        cause: err,
      });
    }
  }

  /** Append `pixels` (k whole patches, or windows, uint8 RGB) at the next index. */
  writeBatch(pixels: Uint8Array): void {
    const k = pixels.length / this.patchBytes;
    if (!Number.isInteger(k) || this.written + k > this.count) {
      throw new WsiHpcError(
        'SHARD_WRITE_FAILED',
        `${this.path}: batch of ${pixels.length} bytes does not fit (${this.written}/${this.count} written)`,
        { file: this.path },
      );
    }
    this.patches.write_slice([[this.written, this.written + k]], pixels);
    this.written += k;
  }

  get writtenPatches(): number {
    return this.written;
  }

  close(): void {
    this.file.close();
  }
}

function writeWindowDatasets(file: H5File, w: WindowShardMeta, path: string): void {
  const m = w.slideIndex.length;
  const k = w.positions;
  const p = w.positionWindow.length;
  if (w.coords.length !== 2 * m || w.mask.length !== m * k * k || w.positionOffset.length !== 2 * p) {
    throw new Error(`${path}: window tables disagree (${m} windows, ${p} positions)`);
  }
  const coords64 = BigInt64Array.from(w.coords, (v) => BigInt(v));
  file.create_dataset({ name: DATASETS.windowCoords, data: coords64, shape: [m, 2], dtype: '<q' });
  file.create_dataset({ name: DATASETS.windowSlideIndex, data: w.slideIndex, shape: [m], dtype: '<i' });
  file.create_dataset({ name: DATASETS.windowMask, data: w.mask, shape: [m, k, k], dtype: '<B' });
  file.create_dataset({ name: DATASETS.windowIndex, data: w.positionWindow, shape: [p], dtype: '<i' });
  file.create_dataset({ name: DATASETS.windowOffset, data: w.positionOffset, shape: [p, 2], dtype: '<i' });
}
