// Reads the planned patches of one slide: opens the slide once, decodes its grid file (checking
// the plan's checksum) and returns patch pixels at the patch size, resampling when planned so.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { WsiHpcError } from '../../errors.js';
import { decodeGrid, type GridRecords } from '../../grid/index.js';
import { openSlide, type SlideReader } from '../../slide/index.js';
import type { PlanFile, PlanSlide } from '../../plan/index.js';
import { sha256 } from '../../util/hash.js';

export interface PatchSource {
  slide: PlanSlide;
  grid: GridRecords;
  readPatch(index: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function openPatchSource(plan: PlanFile, runRoot: string, slide: PlanSlide, cacheBytes?: number): Promise<PatchSource> {
  const g = slide.grid;
  if (slide.status !== 'planned' || !g) {
    throw new WsiHpcError('PLAN_INVALID', `${slide.path}: slide is not planned (${slide.status}) but a shard refers to it`, { file: slide.path });
  }
  const gridPath = join(runRoot, g.file);
  const bytes = await readFile(gridPath);
  if (sha256(bytes) !== g.sha256) {
    throw new WsiHpcError('PLAN_INVALID', `${gridPath}: grid file changed since planning (checksum mismatch)`, { file: gridPath, hint: 'Re-run `wsi-hpc plan` for this run folder' });
  }
  const grid = decodeGrid(bytes, gridPath);
  const reader: SlideReader = await openSlide(slide.path, {
    mppOverride: plan.params.slideMpp ?? undefined, isOverrideOnlyWhenMissing: true, ...(cacheBytes === undefined ? {} : { cacheBytes }),
  });
  const { level, downsample, readSizePx, patchSizePx, isResampled } = g;
  return {
    slide,
    grid,
    async readPatch(index) {
      const x = Math.round(grid.coords[2 * index] / downsample);
      const y = Math.round(grid.coords[2 * index + 1] / downsample);
      const region = await reader.readRegion(level, x, y, readSizePx, readSizePx);
      if (!isResampled) return region.data;
      const out = await sharp(region.data, { raw: { width: readSizePx, height: readSizePx, channels: 3 } })
        .resize(patchSizePx, patchSizePx, { kernel: 'lanczos3' }).raw().toBuffer();
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    },
    close: () => reader.close(),
  };
}
