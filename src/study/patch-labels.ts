// Ground-truth labels for planned patches: a patch is tumour when its centre lies inside an
// annotated tumour polygon (ASAP/CAMELYON XML or GeoJSON, level-0 coordinates; the ASAP
// exclusion group is subtracted). A slide without an annotation file is all normal.
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ASAP_EXCLUSION_GROUP, pointInPolygon, readAsapXml, readGeoJsonPolygons, type Polygon } from '../geometry/index.js';

export async function readAnnotationsFor(
  dir: string,
  slidePath: string,
): Promise<{ file: string | null; tumours: Polygon[]; exclusions: Polygon[] }> {
  const stem = basename(slidePath, extname(slidePath));
  for (const ext of ['.xml', '.geojson', '.json']) {
    const file = join(dir, `${stem}${ext}`);
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    const polygons = ext === '.xml' ? readAsapXml(text) : readGeoJsonPolygons(text);
    return {
      file,
      tumours: polygons.filter((p) => p.group !== ASAP_EXCLUSION_GROUP),
      exclusions: polygons.filter((p) => p.group === ASAP_EXCLUSION_GROUP),
    };
  }
  return { file: null, tumours: [], exclusions: [] };
}

export function labelPatches(coords: Int32Array, footprintLevel0: number, tumours: Polygon[], exclusions: Polygon[]): Uint8Array {
  const labels = new Uint8Array(coords.length / 2);
  const half = footprintLevel0 / 2;
  for (let i = 0; i < labels.length; i++) {
    const x = coords[2 * i] + half;
    const y = coords[2 * i + 1] + half;
    labels[i] = tumours.some((p) => pointInPolygon(p, x, y)) && !exclusions.some((p) => pointInPolygon(p, x, y)) ? 1 : 0;
  }
  return labels;
}
