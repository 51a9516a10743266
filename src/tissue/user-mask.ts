// User-supplied masks: ASAP/CAMELYON XML or GeoJSON polygons (level-0 coordinates; tumour/include
// groups minus exclusion groups, e.g. CAMELYON16 `_2`, become holes) or a binary PNG covering the
// whole slide, rasterized onto the tissue-mask grid to restrict or replace it. Every error names the file.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { WsiHpcError } from '../errors.js';
import { ANNOTATION_GROUP_DEFAULTS, type AnnotationGroups, parseAnnotationText, rasterizeAnnotationSet } from '../geometry/index.js';
import type { BinaryMask, UserMaskMode } from './types.js';
import { assertRegularFile } from '../util/regular-file.js';

export interface MaskGeometry {
  width: number;
  height: number;
  /** Level-0 pixels per mask pixel. */
  scaleX: number;
  scaleY: number;
}

/** A PNG mask whose width/height differs from the slide's by more than this fraction is refused. */
export const MAX_MASK_ASPECT_MISMATCH = 0.02;

export async function readUserMask(
  file: string,
  geometry: MaskGeometry,
  groups: AnnotationGroups = ANNOTATION_GROUP_DEFAULTS,
): Promise<BinaryMask> {
  const ext = extname(file).toLowerCase();
  let data: Uint8Array;
  try {
    await assertRegularFile(file, 'MASK_INVALID', 'mask');
    if (ext === '.png') data = await readPngMask(file, geometry);
    else if (ext === '.xml' || ext === '.geojson' || ext === '.json') data = await readPolygonMask(file, geometry, groups);
    else {
      throw new WsiHpcError('MASK_INVALID', `${file}: unknown mask format \`${ext}\``, {
        file,
        hint: 'Use an ASAP/CAMELYON .xml, a .geojson, or a binary .png',
      });
    }
  } catch (err) {
    if (err instanceof WsiHpcError) throw err;
    throw new WsiHpcError('MASK_INVALID', `${file}: could not read the mask: ${(err as Error).message}`, { file, cause: err });
  }
  if (!data.includes(1)) {
    throw new WsiHpcError('MASK_EMPTY', `${file}: the mask selects nothing on this slide`, {
      file,
      hint:
        ext === '.png'
          ? 'White (>= 128) marks the area to keep; check the mask is not all black'
          : `Check that the polygons lie inside the slide (level-0 pixels) and their groups: included ${groups.tumour.join(',')}, subtracted ${groups.exclude.join(',')}`,
    });
  }
  return { width: geometry.width, height: geometry.height, data };
}

// Polygons of the included groups minus those of the exclusion groups; a group in neither list is an error.
async function readPolygonMask(file: string, geometry: MaskGeometry, groups: AnnotationGroups): Promise<Uint8Array> {
  const set = parseAnnotationText(await readFile(file, 'utf8'), file, groups);
  if (set.unknownGroups.length > 0) {
    const names = set.unknownGroups.map((g) => `"${g}"`).join(', ');
    throw new WsiHpcError(
      'MASK_INVALID',
      `${file}: annotation group(s) ${names} are neither included (${groups.tumour.join(',')}) nor subtracted (${groups.exclude.join(',')})`,
      {
        file,
        hint: `Add them to --tumour-groups (keep) or --exclude-groups (cut out), e.g. --tumour-groups ${[...groups.tumour, ...set.unknownGroups].join(',')}`,
      },
    );
  }
  // rasterizeAnnotationSet takes mask pixels per level-0 pixel.
  const scale = 2 / (geometry.scaleX + geometry.scaleY);
  return rasterizeAnnotationSet(set, geometry.width, geometry.height, scale);
}

// A binary PNG stretched over the whole slide: refused when its aspect ratio is not the slide's.
async function readPngMask(file: string, geometry: MaskGeometry): Promise<Uint8Array> {
  const meta = await sharp(file).metadata();
  const slideAspect = (geometry.width * geometry.scaleX) / (geometry.height * geometry.scaleY);
  const pngAspect = (meta.width ?? 0) / (meta.height ?? 1);
  if (!(Math.abs(pngAspect / slideAspect - 1) <= MAX_MASK_ASPECT_MISMATCH)) {
    const slideW = Math.round(geometry.width * geometry.scaleX);
    const slideH = Math.round(geometry.height * geometry.scaleY);
    throw new WsiHpcError(
      'MASK_INVALID',
      `${file}: the PNG mask is ${meta.width}x${meta.height} (aspect ${pngAspect.toFixed(3)}) but the slide is ${slideW}x${slideH} (aspect ${slideAspect.toFixed(3)}); a PNG mask must cover the whole slide`,
      { file, hint: `Export the mask for the whole slide, at ${slideW}x${slideH} or any size with the same aspect ratio (within 2%)` },
    );
  }
  const { data, info } = await sharp(file)
    .greyscale()
    .resize(geometry.width, geometry.height, { fit: 'fill', kernel: 'nearest' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(geometry.width * geometry.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels] >= 128 ? 1 : 0;
  return out;
}

export function combineMasks(auto: BinaryMask, user: BinaryMask, mode: UserMaskMode): BinaryMask {
  if (mode === 'replace') return user;
  const data = new Uint8Array(auto.data.length);
  for (let i = 0; i < data.length; i++) data[i] = auto.data[i] & user.data[i];
  return { width: auto.width, height: auto.height, data };
}

/** Read `file` and combine it with the automatic mask; MASK_EMPTY naming the file when nothing is left. */
export async function applyUserMask(
  auto: BinaryMask,
  file: string,
  geometry: MaskGeometry,
  mode: UserMaskMode,
  groups: AnnotationGroups = ANNOTATION_GROUP_DEFAULTS,
): Promise<BinaryMask> {
  const combined = combineMasks(auto, await readUserMask(file, geometry, groups), mode);
  if (!combined.data.includes(1)) {
    throw new WsiHpcError('MASK_EMPTY', `${file}: the mask selects no tissue on this slide (it does not overlap the detected tissue)`, {
      file,
      hint: 'Check the mask belongs to this slide, or use --mask-mode replace to take the mask as the tissue',
    });
  }
  return combined;
}
