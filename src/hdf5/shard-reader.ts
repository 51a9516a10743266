// Reads shard files in batches, after checking the layout version and that every filter is one
// h5wasm decodes (an LZF dataset would silently read as zeros).
import { open } from 'node:fs/promises';
import { WsiHpcError } from '../errors.js';
import { loadH5 } from './h5.js';
import { DATASETS, READABLE_FILTERS, SHARD_LAYOUT_VERSION, WINDOW_LAYOUT_VERSION, type WindowShardMeta } from './layout.js';

type H5File = InstanceType<Awaited<ReturnType<typeof loadH5>>['File']>;
type H5Module = Awaited<Awaited<ReturnType<typeof loadH5>>['ready']>;
interface H5Dataset {
  shape: number[] | null;
  filters: Array<{ id: number; name: string }>;
  value: unknown;
  slice(ranges: number[][]): unknown;
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The HDF5 superblock sits at offset 0, 512, 1024, 2048, ... */
async function checkHdf5Signature(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new WsiHpcError(
      'SHARD_CORRUPT',
      `${path}: cannot open the shard (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      { file: path, cause: err },
    );
  }
  try {
    const size = (await handle.stat()).size;
    const buf = Buffer.alloc(8);
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      await handle.read(buf, 0, 8, at);
      if (buf.equals(HDF5_SIGNATURE)) return;
    }
  } finally {
    await handle.close();
  }
  throw new WsiHpcError('SHARD_CORRUPT', `${path}: not an HDF5 file (no HDF5 signature; truncated or overwritten?)`, {
    file: path,
    hint: 'Delete it and rerun `wsi-hpc pack`',
  });
}

export interface ShardBatch {
  start: number;
  count: number;
  pixels: Uint8Array;
}

/** The tables of a window shard, read back: what the writer was given. */
export type WindowTables = WindowShardMeta;

const asNumber = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));

export class ShardReader {
  private constructor(
    private readonly file: H5File,
    readonly path: string,
    /** Patches (or, in a window shard, kept positions): what infer predicts. */
    readonly count: number,
    readonly patchSizePx: number,
    readonly attrs: Record<string, unknown>,
    readonly kind: 'patches' | 'windows',
    /** Pixel units stored: patches, or windows; and their edge in pixels. */
    readonly units: number,
    readonly unitSizePx: number,
  ) {}

  /** h5wasm's runtime, loaded by open (readPatches is synchronous). */
  private static module: H5Module | null = null;

  static async open(path: string): Promise<ShardReader> {
    const h5 = await loadH5();
    ShardReader.module ??= await h5.ready;
    // Check the signature ourselves: h5wasm prints HDF5's error stack and returns a dead handle.
    await checkHdf5Signature(path);
    let file: H5File;
    try {
      file = new h5.File(path, 'r');
      if (!((file as unknown as { file_id: bigint }).file_id >= 0n)) throw new Error('HDF5 could not open it; truncated or damaged?');
    } catch (err) {
      throw new WsiHpcError('SHARD_CORRUPT', `${path}: not a readable HDF5 file (${(err as Error).message})`, { file: path, cause: err });
    }
    const fail = (msg: string, hint?: string): never => {
      file.close();
      throw new WsiHpcError('SHARD_CORRUPT', `${path}: ${msg}`, { file: path, hint });
    };
    const windows = file.get(DATASETS.windows) as unknown as H5Dataset | null;
    const kind = windows ? 'windows' : 'patches';
    const patches = windows ?? (file.get(DATASETS.patches) as unknown as H5Dataset | null);
    if (patches?.shape?.length !== 4 || patches.shape[3] !== 3) fail(`no /${kind} dataset of shape [N, H, W, 3]`);
    const p = patches as H5Dataset;
    for (const f of p.filters) {
      if (!READABLE_FILTERS.has(f.id)) {
        fail(
          `/${kind} uses HDF5 filter ${f.id} (${f.name || 'unknown'}), which this reader cannot decode (it would read as zeros)`,
          'Repack without that filter, e.g. h5repack -f NONE in.h5 out.h5, or with gzip: h5repack -f GZIP=4',
        );
      }
    }
    const attrs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(file.attrs as Record<string, { value: unknown }>)) attrs[k] = v.value;
    const version = kind === 'windows' ? WINDOW_LAYOUT_VERSION : SHARD_LAYOUT_VERSION;
    if (attrs.layout_version !== version) {
      fail(`shard layout version ${String(attrs.layout_version)} is not supported for /${kind} (expected ${version})`);
    }
    const shape = p.shape as number[];
    if (kind === 'patches') return new ShardReader(file, path, shape[0], shape[1], attrs, kind, shape[0], shape[1]);
    const positions = (file.get(DATASETS.windowIndex) as unknown as H5Dataset | null)?.shape?.[0];
    const patchSize = asNumber(attrs.patch_size);
    if (positions === undefined || !Number.isInteger(patchSize) || asNumber(attrs.window_size) !== shape[1]) {
      fail('window shard without /window_index or with window_size/patch_size attributes that disagree with /windows');
    }
    return new ShardReader(file, path, positions as number, patchSize, attrs, kind, shape[0], shape[1]);
  }

  /** Tables of a window shard: window origins, slides and masks, and each kept position's window and offset. */
  readWindowTables(): WindowTables {
    const value = (name: string) => (this.file.get(name) as unknown as H5Dataset).value;
    return {
      positions: asNumber(this.attrs.window_positions),
      sidePx: this.unitSizePx,
      coords: Int32Array.from(value(DATASETS.windowCoords) as BigInt64Array, (x) => Number(x)),
      slideIndex: value(DATASETS.windowSlideIndex) as Int32Array,
      mask: value(DATASETS.windowMask) as Uint8Array,
      positionWindow: value(DATASETS.windowIndex) as Int32Array,
      positionOffset: value(DATASETS.windowOffset) as Int32Array,
    };
  }

  /** Pixel units [start, start + count): patches, or windows in a window shard. */
  readPatches(start: number, count: number): ShardBatch {
    const end = Math.min(this.units, start + count);
    const n = Math.max(0, end - start);
    const module = ShardReader.module as H5Module;
    const bytes = n * this.unitSizePx * this.unitSizePx * 3;
    const ptr = this.heapBuffer(module, bytes);
    try {
      if (n > 0) this.readUnits(module, start, n, ptr);
      return { start, count: n, pixels: module.HEAPU8.slice(ptr, ptr + bytes) };
    } finally {
      module._free(ptr);
    }
  }

  private heapBuffer(module: H5Module, bytes: number): number {
    const ptr = module._malloc(Math.max(1, bytes));
    if (ptr === 0) {
      throw new WsiHpcError('RESOURCE_LIMIT', `${this.path}: cannot allocate ${bytes} bytes in the HDF5 heap to read its pixels`, {
        file: this.path,
        hint: 'Free memory (fewer concurrent shards or smaller batches) and retry',
      });
    }
    return ptr;
  }

  /** Units [start, start + n) into h5wasm's heap at ptr; a failed read (truncated, damaged) is SHARD_CORRUPT. */
  private readUnits(module: H5Module, start: number, n: number, ptr: number): void {
    const name = this.kind === 'windows' ? DATASETS.windows : DATASETS.patches;
    const side = BigInt(this.unitSizePx);
    const fileId = (this.file as unknown as { file_id: bigint }).file_id;
    try {
      const status = module.get_dataset_data(
        fileId,
        name,
        [BigInt(n), side, side, 3n],
        [BigInt(start), 0n, 0n, 0n],
        [1n, 1n, 1n, 1n],
        BigInt(ptr),
      );
      // HDF5 reports a failed read (e.g. a damaged compressed chunk) by a negative status, not a throw.
      if (status < 0) throw new Error(`H5Dread status ${status}`);
    } catch (err) {
      throw new WsiHpcError('SHARD_CORRUPT', `${this.path}: HDF5 cannot read /${name} [${start}, ${start + n}) (truncated or damaged?)`, {
        file: this.path,
        hint: 'Delete it and rerun `wsi-hpc pack`',
        cause: err,
      });
    }
  }

  /**
   * Hands every pixel unit to `consume` in order, about `batchBytes` at a time, read by HDF5 straight into
   * one buffer in h5wasm's heap (no copy out to a JS array). The view is valid only during the call.
   */
  async scanPixels(consume: (pixels: Uint8Array) => void, batchBytes = 32 * 2 ** 20): Promise<void> {
    if (this.units === 0) return;
    const module = ShardReader.module as H5Module;
    const unitBytes = this.unitSizePx * this.unitSizePx * 3;
    const per = Math.max(1, Math.min(this.units, Math.floor(batchBytes / unitBytes)));
    const ptr = this.heapBuffer(module, per * unitBytes);
    try {
      for (let start = 0; start < this.units; start += per) {
        const n = Math.min(per, this.units - start);
        this.readUnits(module, start, n, ptr);
        // Taken after the call: the heap may have grown (a new ArrayBuffer) while HDF5 read.
        consume(module.HEAPU8.subarray(ptr, ptr + n * unitBytes));
      }
    } finally {
      module._free(ptr);
    }
  }

  readCoords(): Int32Array {
    const v = (this.file.get(DATASETS.coords) as unknown as H5Dataset).value as BigInt64Array;
    return Int32Array.from(v, (x) => Number(x));
  }

  readInt32(name: 'slideIndex' | 'gridIndex'): Int32Array {
    return (this.file.get(DATASETS[name]) as unknown as H5Dataset).value as Int32Array;
  }

  readSlideIds(): string[] {
    return (this.file.get(DATASETS.slideIds) as unknown as H5Dataset).value as string[];
  }

  close(): void {
    this.file.close();
  }
}
