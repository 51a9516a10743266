// Plans one slide: open, localize tissue, lay the grid, and (unless dry-run) write the grid,
// mask, QC picture and tissue GeoJSON atomically. Any failure becomes a `failed` entry.
import { stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { WsiHpcError } from '../../errors.js';
import { openSlide, type SlideInfo } from '../../slide/index.js';
import { localizeTissue, maskToGeoJson, drawQc, encodeRgbPng, encodeMaskPng, type LocalizedTissue } from '../../tissue/index.js';
import { assertGridWithinLimit, encodeGrid, estimateGrid, planGrid, resolveLevel, type PatchGrid } from '../../grid/index.js';
import {
  NATIVE_EXTENSIONS,
  openSlideOnlyFormat,
  slideIdFor,
  type PlanParams,
  type PlanSlide,
  type PlanSlideInfo,
  type PlanTissue,
  type PlanGrid,
} from '../../plan/index.js';
import { relativeToRun, type RunPaths } from '../../run/paths.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { sha256 } from '../../util/hash.js';
import { fitMacenko, type StainModel } from '../../stain/index.js';

export interface PlanSlideContext {
  paths: RunPaths;
  params: PlanParams;
  isDryRun: boolean;
  /** Patches one slide may have (GRID_LIMITS.maxPatchesPerSlide unless --max-grid-patches), checked before the grid is laid. */
  maxGridPatches: number;
  /** Called with the kept positions (level-0 x, y pairs) once the grid is laid. */
  onGrid?: (coords: Int32Array) => void;
}

export function describeInfo(info: SlideInfo): PlanSlideInfo {
  return {
    backend: info.backend ?? 'native',
    format: info.format,
    vendor: info.vendor,
    width: info.levels[0].width,
    height: info.levels[0].height,
    mpp: info.mppX,
    mppSource: info.mppSource,
    objectivePower: info.objectivePower,
    levels: info.levels.map((l) => ({
      width: l.width,
      height: l.height,
      downsample: l.downsample,
      tileWidth: l.tileWidth,
      tileHeight: l.tileHeight,
      compression: l.compression,
    })),
  };
}

export function describeTissue(t: LocalizedTissue, maskMpp: number): PlanTissue {
  const m = t.mask;
  const pixelAreaMm2 = (t.mpp * m.scaleX * t.mpp * m.scaleY) / 1e6;
  return {
    sourceLevel: m.sourceLevel,
    maskWidth: m.width,
    maskHeight: m.height,
    scaleX: m.scaleX,
    scaleY: m.scaleY,
    maskMpp,
    isMppAssumed: t.isMppAssumed,
    threshold: m.threshold,
    otsuThreshold: m.otsuThreshold,
    tissueFraction: round(m.tissueFraction, 5),
    tissueAreaMm2: round(m.tissueFraction * m.width * m.height * pixelAreaMm2, 4),
    inkFraction: round(m.inkFraction, 5),
    regions: m.regions,
  };
}

export function describeGrid(grid: PatchGrid, file: string, sha: string): PlanGrid {
  const c = grid.choice;
  return {
    file,
    sha256: sha,
    count: grid.tissue.length,
    level: c.level,
    downsample: c.downsample,
    levelMpp: c.levelMpp,
    patchMpp: c.patchMpp,
    readSizePx: c.readSizePx,
    patchSizePx: grid.patchSizePx,
    stridePx: grid.stridePx,
    footprintLevel0: grid.footprintLevel0,
    strideLevel0: grid.strideLevel0,
    cols: grid.cols,
    rows: grid.rows,
    isResampled: c.resampled,
    isUpsampled: c.upsampled,
  };
}

/** Fit the slide's stains on the thumbnail's tissue pixels; too little stain falls back to the target. */
export function fitSlideStain(t: LocalizedTissue, target: StainModel): StainModel & { isFallback: boolean } {
  const { data } = t.mask;
  const img = t.thumbnail.image.data;
  const pixels: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i]) pixels.push(img[3 * i], img[3 * i + 1], img[3 * i + 2]);
  const fit = fitMacenko(Uint8Array.from(pixels));
  return fit ? { ...fit, isFallback: false } : { ...target, isFallback: true };
}

export const USER_MASK_EXTENSIONS = Object.freeze(['.xml', '.geojson', '.json', '.png']);

/** The user mask for a slide: `<masksDir>/<slide stem><ext>`, the first extension that exists. */
export async function findUserMask(masksDir: string | null, slidePath: string): Promise<PlanSlide['userMask']> {
  if (!masksDir) return null;
  const stem = basename(slidePath, extname(slidePath));
  for (const ext of USER_MASK_EXTENSIONS) {
    const candidate = join(masksDir, `${stem}${ext}`);
    const st = await stat(candidate).catch(() => null);
    // A directory, FIFO or device under the mask's name is taken too: reading it fails the slide with the reason.
    if (st) return { path: candidate, sizeBytes: st.isFile() ? st.size : 0, mtimeMs: Math.trunc(st.mtimeMs) };
  }
  return null;
}

/** `--reader native` on a vendor file only OpenSlide reads: say so instead of a TIFF parse error. */
function refuseVendorFormat(path: string): void {
  const format = openSlideOnlyFormat(path);
  if (!format) return;
  throw new WsiHpcError(
    'SLIDE_NOT_TIFF',
    `${path}: ${format} slide, but --reader native was given and the native reader reads TIFF/SVS only (${NATIVE_EXTENSIONS.join(' ')})`,
    { file: path, hint: 'Plan it with --reader auto (the default) or --reader openslide: OpenSlide reads it' },
  );
}

/** A vendor file's failure names its format ("Hamamatsu NDPI slide: ..."): OpenSlide's own messages often do not. */
function withFormat(message: string, path: string): string {
  const format = openSlideOnlyFormat(path);
  if (!format || message.includes(format)) return message;
  const reason = message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
  return `${path}: ${format} slide: ${reason}`;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export async function planSlide(path: string, ctx: PlanSlideContext): Promise<PlanSlide> {
  const id = slideIdFor(path);
  const st = await stat(path);
  const base: PlanSlide = { id, path, name: basename(path), sizeBytes: st.size, mtimeMs: Math.trunc(st.mtimeMs), status: 'failed' };
  let reader: Awaited<ReturnType<typeof openSlide>> | null = null;
  try {
    const choice = ctx.params.reader ?? 'auto';
    if (choice === 'native') refuseVendorFormat(path);
    // --slide-mpp fills in a missing resolution only; a slide's own MPP always wins.
    reader = await openSlide(path, { mppOverride: ctx.params.slideMpp ?? undefined, isOverrideOnlyWhenMissing: true, reader: choice });
    const info = describeInfo(reader.info);
    const userMask = await findUserMask(ctx.params.masksDir, path);
    if (!userMask && ctx.params.tissue.userMaskMode === 'replace') {
      throw new WsiHpcError('MASK_INVALID', `${path}: --mask-mode replace but no mask for this slide in ${ctx.params.masksDir}`, {
        file: path,
        hint: `Add ${basename(path, extname(path))}.xml, .geojson or .png to the masks folder`,
      });
    }
    const tissue = await localizeTissue(reader, { ...ctx.params.tissue, userMask: userMask?.path ?? null });
    const stain = ctx.params.stain ? fitSlideStain(tissue, ctx.params.stain.target) : undefined;
    const level = resolveLevel(
      { downsamples: reader.info.levels.map((l) => l.downsample), mpp: reader.info.mppX, file: path },
      ctx.params.grid,
    );
    const m = tissue.mask;
    const extent = { width: info.width, height: info.height };
    // Counted from the mask first: laying an absurd grid (--stride 1) took hours and gigabytes.
    const estimate = estimateGrid(extent, m, level, ctx.params.grid);
    assertGridWithinLimit(estimate, ctx.params.grid, ctx.maxGridPatches, path);
    const grid = planGrid(extent, m, level, ctx.params.grid, estimate.maxPatches);
    const gridBytes = encodeGrid(grid);
    ctx.onGrid?.(grid.coords);
    const p = ctx.paths;
    if (!ctx.isDryRun) {
      const qc = drawQc(tissue.thumbnail.image, m, {
        coords: grid.coords,
        footprintLevel0: grid.footprintLevel0,
        scaleX: m.scaleX,
        scaleY: m.scaleY,
      });
      await writeFileAtomic(p.mask(id), await encodeMaskPng(m));
      await writeFileAtomic(p.thumbnail(id), await encodeRgbPng(tissue.thumbnail.image));
      await writeFileAtomic(p.qc(id), await encodeRgbPng(qc));
      await writeFileAtomic(p.tissue(id), `${JSON.stringify(maskToGeoJson(m, m.scaleX, m.scaleY))}\n`);
      // The grid is written last: its presence with a matching checksum means the slide is done.
      await writeFileAtomic(p.grid(id), gridBytes);
    }
    return {
      ...base,
      status: 'planned',
      userMask,
      ...(stain ? { stain } : {}),
      info,
      tissue: describeTissue(tissue, ctx.params.tissue.maskMpp),
      grid: describeGrid(grid, relativeToRun(p, p.grid(id)), sha256(gridBytes)),
      outputs: {
        mask: relativeToRun(p, p.mask(id)),
        qc: relativeToRun(p, p.qc(id)),
        tissue: relativeToRun(p, p.tissue(id)),
        thumbnail: relativeToRun(p, p.thumbnail(id)),
      },
    };
  } catch (err) {
    const e = err instanceof WsiHpcError ? err : null;
    const message = err instanceof Error ? err.message : String(err);
    return {
      ...base,
      status: 'failed',
      error: {
        code: e?.code ?? 'INTERNAL',
        message: withFormat(message.includes(path) ? message : `${path}: ${message}`, path),
        hint: e?.hint,
      },
    };
  } finally {
    await reader?.close();
  }
}
