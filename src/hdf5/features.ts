// `/features` [N, D] datasets in float32 or IEEE float16. h5wasm cannot create a float16 type, so a
// float16 dataset starts as a float32 [N, D/2] placeholder of zeros in an HDF5-1.6-format file (no
// header checksums) whose datatype and dataspace messages are then rewritten to float16 [N, D]; the
// half-precision bits are written through the dataset's own type. h5py and HDF5 read it as float16.
import { readFile, writeFile } from 'node:fs/promises';
import { WsiHpcError } from '../errors.js';
import { type H5, loadH5 } from './h5.js';

export type FeaturesDtype = 'float16' | 'float32';
export const FEATURES_DTYPES: readonly FeaturesDtype[] = ['float16', 'float32'];

export interface FeatureRows {
  /** Row-major [n, dim]: float32 values, or float16 bit patterns. */
  data: Float32Array | Uint16Array;
  dim: number;
  dtype: FeaturesDtype;
}

type H5File = InstanceType<H5['File']>;
interface RawModule {
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
  set_dataset_data(file: bigint, path: string, c: null, o: null, s: null, ptr: bigint): void;
  get_dataset_data(file: bigint, path: string, c: null, o: null, s: null, ptr: bigint): void;
}

async function rawModule(): Promise<RawModule> {
  await loadH5();
  const mod = (await import('h5wasm/node')) as unknown as { Module: RawModule };
  return mod.Module;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half-precision bits of a float32 (round to nearest even; overflow to infinity). */
export function toFloat16Bits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let m = mant >>> shift;
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]);
  return out;
}

export function float16ToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

// HDF5 datatype messages (version 1, floating point): IEEE float32 LE and IEEE float16 LE.
const F32_MESSAGE = Buffer.from('11201f000400000000002000170800177f000000', 'hex');
const F16_MESSAGE = Buffer.from('11200f0002000000000010000a05000a0f000000', 'hex');

function u64Pair(a: number, b: number): Buffer {
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(BigInt(a), 0);
  out.writeBigUInt64LE(BigInt(b), 8);
  return out;
}

// Rewrites the placeholder's datatype to float16 and its dims (and max dims) from [n, d/2] to [n, d].
async function patchToFloat16(path: string, n: number, d: number): Promise<void> {
  const b = await readFile(path);
  const at = b.indexOf(F32_MESSAGE);
  const fail = (why: string): never => {
    throw new WsiHpcError('FEATURES_WRITE_FAILED', `${path}: cannot write the float16 features dataset (${why})`, {
      file: path,
      hint: 'Use --features-dtype float32',
    });
  };
  if (at < 0 || b.indexOf(F32_MESSAGE, at + 1) >= 0) fail('float32 datatype message not found exactly once');
  F16_MESSAGE.copy(b, at);
  const dims = u64Pair(n, d / 2);
  let patched = 0;
  // The dataspace message sits just before the datatype message in the object header.
  for (let i = b.indexOf(dims, Math.max(0, at - 96)); i >= 0 && i < at; i = b.indexOf(dims, i + 1)) {
    b.writeBigUInt64LE(BigInt(d), i + 8);
    patched++;
  }
  if (patched < 1 || patched > 2) fail(`dataspace [${n}, ${d / 2}] found ${patched} times`);
  await writeFile(path, b);
}

/**
 * Creates `path` holding `/features` with the rows and returns it opened for appending (the caller
 * adds the other datasets and attributes, then closes it).
 */
export async function createFeaturesFile(path: string, rows: FeatureRows): Promise<H5File> {
  const h5 = await loadH5();
  const n = rows.data.length / rows.dim;
  if (rows.dtype === 'float32') {
    const f = new h5.File(path, 'w');
    f.create_dataset({ name: 'features', data: rows.data as Float32Array, shape: [n, rows.dim], dtype: '<f' });
    return f;
  }
  if (rows.dim % 2 !== 0) {
    throw new WsiHpcError('INVALID_OPTION', `float16 features need an even feature size; this model gives ${rows.dim}`, {
      hint: 'Use --features-dtype float32',
    });
  }
  const first = new h5.File(path, 'w', { libver: ['earliest', 'v110'] });
  try {
    first.create_dataset({ name: 'features', data: new Float32Array((n * rows.dim) / 2), shape: [n, rows.dim / 2], dtype: '<f' });
  } finally {
    first.close();
  }
  await patchToFloat16(path, n, rows.dim);
  const f = new h5.File(path, 'a');
  if (n > 0) {
    const M = await rawModule();
    const bytes = new Uint8Array(rows.data.buffer, rows.data.byteOffset, rows.data.byteLength);
    const ptr = M._malloc(bytes.length);
    try {
      M.HEAPU8.set(bytes, ptr);
      M.set_dataset_data((f as unknown as { file_id: bigint }).file_id, '/features', null, null, null, BigInt(ptr));
    } finally {
      M._free(ptr);
    }
  }
  return f;
}

/** Reads a float32 or float16 `/name` [N, D] dataset as stored (float16 as bit patterns). */
export async function readFeatureRows(f: H5File, name: string): Promise<FeatureRows | null> {
  const ds = f.get(name) as unknown as { metadata: { type: number; size: number; shape: number[] | null; total_size: number } } | null;
  const md = ds?.metadata;
  if (md?.shape?.length !== 2 || md.type !== 1 || (md.size !== 2 && md.size !== 4)) return null;
  const M = await rawModule();
  const nbytes = md.size * md.total_size;
  const ptr = M._malloc(Math.max(1, nbytes));
  try {
    if (nbytes > 0) M.get_dataset_data((f as unknown as { file_id: bigint }).file_id, `/${name}`, null, null, null, BigInt(ptr));
    const bytes = M.HEAPU8.slice(ptr, ptr + nbytes);
    const data = md.size === 2 ? new Uint16Array(bytes.buffer) : new Float32Array(bytes.buffer);
    return { data, dim: md.shape[1], dtype: md.size === 2 ? 'float16' : 'float32' };
  } finally {
    M._free(ptr);
  }
}
