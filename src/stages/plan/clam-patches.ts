// `plan --clam-patches`: one CLAM-style `patches/<slide-stem>.h5` per planned slide, holding the
// plan's grid (level-0 top-left, grid order) so CLAM's own feature extractor can start from it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodePlannedGrid } from '../../grid/index.js';
import { writeClamPatches } from '../../hdf5/index.js';
import { slideFileStems, type PlanFile } from '../../plan/index.js';

/** The folder beside plan.json that holds the files. */
export function clamPatchesDir(root: string): string {
  return join(root, 'patches');
}

/** Writes the files; returns their paths by slide id. Slides not planned get none. */
export async function writeClamPatchFiles(plan: PlanFile, root: string): Promise<Map<string, string>> {
  const dir = clamPatchesDir(root);
  const stems = slideFileStems(plan.slides);
  const written = new Map<string, string>();
  for (const s of plan.slides) {
    if (s.status !== 'planned' || !s.grid || !s.info) continue;
    const gridFile = join(root, s.grid.file);
    const { coords } = decodePlannedGrid(await readFile(gridFile), gridFile, s.grid.sha256);
    const level = s.info.levels[s.grid.level];
    const file = join(dir, `${stems.get(s.id) ?? s.id}.h5`);
    await writeClamPatches(file, coords, {
      patchSize: s.grid.readSizePx,
      patchLevel: s.grid.level,
      downsample: [s.grid.downsample, s.grid.downsample],
      levelDim: [level?.width ?? s.info.width, level?.height ?? s.info.height],
      name: stems.get(s.id) ?? s.id,
      savePath: dir,
    });
    written.set(s.id, file);
  }
  return written;
}
