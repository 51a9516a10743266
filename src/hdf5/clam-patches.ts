// CLAM-style patch coordinate files (docs/FORMAT.md, "Per-slide feature files"): `/coords` int64
// [N, 2] level-0 top-left with the attributes CLAM's create_patches_fp.py writes and its readers use.
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDir, tempPathFor } from '../util/atomic.js';
import { loadH5 } from './h5.js';

export interface ClamPatchAttrs {
  /** Side read at `patchLevel` (CLAM's `patch_size`). */
  patchSize: number;
  patchLevel: number;
  /** The level's downsample (x, y). */
  downsample: [number, number];
  /** The level's width and height. */
  levelDim: [number, number];
  name: string;
  savePath: string;
}

type H5Object = { create_attribute(name: string, data: unknown, shape?: number[] | null, dtype?: string | null): void };

/** Attribute writers with HDF5 types numpy reads back as int64, float64 and str. */
export function setInt(o: H5Object, name: string, v: number): void {
  o.create_attribute(name, BigInt(v), null, '<q');
}
export function setIntPair(o: H5Object, name: string, v: [number, number]): void {
  o.create_attribute(name, new BigInt64Array([BigInt(v[0]), BigInt(v[1])]), [2], '<q');
}
export function setFloatPair(o: H5Object, name: string, v: [number, number]): void {
  o.create_attribute(name, new Float64Array(v), [2], '<d');
}
export function setFloat(o: H5Object, name: string, v: number): void {
  o.create_attribute(name, v, null, '<d');
}

/** int32 x,y pairs (grid file order) as the int64 [N, 2] array CLAM and TRIDENT store. */
export function coordsInt64(coords: Int32Array): BigInt64Array {
  return BigInt64Array.from(coords, (v) => BigInt(v));
}

/** Writes the file under a temporary name and renames it: a reader never sees half a file. */
export async function writeClamPatches(path: string, coords: Int32Array, a: ClamPatchAttrs): Promise<void> {
  const h5 = await loadH5();
  await ensureDir(dirname(path));
  const tmp = tempPathFor(path);
  try {
    const f = new h5.File(tmp, 'w');
    try {
      const n = coords.length / 2;
      const ds = f.create_dataset({ name: 'coords', data: coordsInt64(coords), shape: [n, 2], dtype: '<q' }) as unknown as H5Object;
      setInt(ds, 'patch_size', a.patchSize);
      setInt(ds, 'patch_level', a.patchLevel);
      setFloatPair(ds, 'downsample', a.downsample);
      setIntPair(ds, 'downsampled_level_dim', a.levelDim);
      setIntPair(ds, 'level_dim', a.levelDim);
      ds.create_attribute('name', a.name);
      ds.create_attribute('save_path', a.savePath);
    } finally {
      f.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
