// CLAM-style patch coordinate files (docs/FORMAT.md, "Per-slide feature files"): `/coords` int64
// [N, 2] level-0 top-left with the attributes CLAM's create_patches_fp.py writes and its readers use.
import { writeViaTemp } from '../util/atomic.js';
import { coordsInt64, type H5Object, setFloatPair, setInt, setIntPair } from './attrs.js';
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

/** Writes the file under a temporary name and renames it: a reader never sees half a file. */
export async function writeClamPatches(path: string, coords: Int32Array, a: ClamPatchAttrs): Promise<void> {
  const h5 = await loadH5();
  await writeViaTemp(path, async (tmp) => {
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
  });
}
