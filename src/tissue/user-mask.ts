// User-supplied masks: ASAP/CAMELYON XML or GeoJSON polygons (level-0 coordinates) or a binary
// PNG covering the whole slide, rasterized onto the tissue-mask grid to restrict or replace it.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { WsiHpcError } from '../errors.js';
import { readAsapXml, readGeoJsonPolygons, rasterizePolygons } from '../geometry/index.js';
import type { BinaryMask, UserMaskMode } from './types.js';

export interface MaskGeometry {
  width: number;
  height: number;
  /** Level-0 pixels per mask pixel. */
  scaleX: number;
  scaleY: number;
}

export async function readUserMask(file: string, geometry: MaskGeometry): Promise<BinaryMask> {
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.png') {
      const { data, info } = await sharp(file)
        .greyscale()
        .resize(geometry.width, geometry.height, { fit: 'fill', kernel: 'nearest' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const out = new Uint8Array(geometry.width * geometry.height);
      for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels] >= 128 ? 1 : 0;
      return { width: geometry.width, height: geometry.height, data: out };
    }
    const text = await readFile(file, 'utf8');
    const polygons = ext === '.xml' ? readAsapXml(text) : ext === '.geojson' || ext === '.json' ? readGeoJsonPolygons(text) : null;
    if (!polygons) {
      throw new WsiHpcError('MASK_INVALID', `${file}: unknown mask format \`${ext}\``, {
        file,
        hint: 'Use an ASAP/CAMELYON .xml, a .geojson, or a binary .png',
      });
    }
    // rasterizePolygons takes mask pixels per level-0 pixel.
    const scale = 2 / (geometry.scaleX + geometry.scaleY);
    const data = rasterizePolygons(polygons, geometry.width, geometry.height, scale);
    return { width: geometry.width, height: geometry.height, data };
  } catch (err) {
    if (err instanceof WsiHpcError) throw err;
    throw new WsiHpcError('MASK_INVALID', `${file}: could not read the mask: ${(err as Error).message}`, { file, cause: err });
  }
}

export function combineMasks(auto: BinaryMask, user: BinaryMask, mode: UserMaskMode): BinaryMask {
  if (mode === 'replace') return user;
  const data = new Uint8Array(auto.data.length);
  for (let i = 0; i < data.length; i++) data[i] = auto.data[i] & user.data[i];
  return { width: auto.width, height: auto.height, data };
}
