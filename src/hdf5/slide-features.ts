// Per-slide feature files in the CLAM/TRIDENT layout (docs/FORMAT.md, "Per-slide feature files"):
// `/features` [N, D] (float16 or float32) and `/coords` int64 [N, 2] level-0 top-left, with the
// attributes TRIDENT's readers and slide encoders use on `coords` and its `name`/`savetodir` on `features`.
import { writeViaTemp } from '../util/atomic.js';
import { coordsInt64, type H5Object, setFloat, setInt } from './attrs.js';
import { createFeaturesFile, type FeatureRows } from './features.js';

export interface SlideFeatureAttrs {
  /** Patch side at the model's resolution (TRIDENT `patch_size`) and in level-0 pixels. */
  patchSize: number;
  patchSizeLevel0: number;
  /** Level read and the side read there (CLAM's `patch_level` / `patch_size` frame). */
  patchLevel: number;
  readPatchSize: number;
  /** Overlap of neighbouring patches, pixels at the model's resolution. */
  overlap: number;
  /** Null when the slide records neither objective power nor MPP. */
  level0Magnification: number | null;
  targetMagnification: number | null;
  level0Mpp: number | null;
  targetMpp: number | null;
  name: string;
  saveToDir: string;
  encoder: string;
  modelSha256: string;
}

export async function writeSlideFeatures(path: string, rows: FeatureRows, coords: Int32Array, a: SlideFeatureAttrs): Promise<void> {
  await writeViaTemp(path, async (tmp) => {
    const f = await createFeaturesFile(tmp, rows);
    try {
      const n = coords.length / 2;
      const feats = f.get('features') as unknown as H5Object;
      feats.create_attribute('name', a.name);
      feats.create_attribute('savetodir', a.saveToDir);
      feats.create_attribute('encoder', a.encoder);
      feats.create_attribute('model_sha256', a.modelSha256);
      const c = f.create_dataset({ name: 'coords', data: coordsInt64(coords), shape: [n, 2], dtype: '<q' }) as unknown as H5Object;
      setInt(c, 'patch_size', a.patchSize);
      setInt(c, 'patch_size_level0', a.patchSizeLevel0);
      setInt(c, 'patch_level', a.patchLevel);
      setInt(c, 'read_patch_size', a.readPatchSize);
      setInt(c, 'overlap', a.overlap);
      if (a.level0Magnification !== null) setFloat(c, 'level0_magnification', a.level0Magnification);
      if (a.targetMagnification !== null) setFloat(c, 'target_magnification', a.targetMagnification);
      if (a.level0Mpp !== null) setFloat(c, 'level0_mpp', a.level0Mpp);
      if (a.targetMpp !== null) setFloat(c, 'target_mpp', a.targetMpp);
      c.create_attribute('name', a.name);
      c.create_attribute('savetodir', a.saveToDir);
    } finally {
      f.close();
    }
  });
}
