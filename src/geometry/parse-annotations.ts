// Parses an annotation file's text (ASAP/CAMELYON XML or GeoJSON, chosen by extension) into an
// annotation set, every error naming the file. Pure: the caller reads the file.
import { extname } from 'node:path';
import { WsiHpcError } from '../errors.js';
import { type AnnotationGroups, type AnnotationSet, splitAnnotationGroups } from './annotation-groups.js';
import { readAsapXml } from './asap-xml.js';
import { readGeoJsonPolygons } from './geojson.js';
import type { Polygon } from './types.js';

/** Extensions parseAnnotationText understands, in the order callers look for them. */
export const ANNOTATION_EXTENSIONS = Object.freeze(['.xml', '.geojson', '.json']);

/** Polygons of `text` read as `file`'s format; MASK_INVALID naming `file` when it cannot be parsed. */
export function parseAnnotationPolygons(text: string, file: string): Polygon[] {
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.xml') return readAsapXml(text);
    if (ext === '.geojson' || ext === '.json') return readGeoJsonPolygons(text);
  } catch (err) {
    const e = err instanceof WsiHpcError ? err : null;
    throw new WsiHpcError('MASK_INVALID', `${file}: ${err instanceof Error ? err.message : String(err)}`, {
      file,
      hint: e?.hint ?? 'Annotations must be ASAP/CAMELYON XML (.xml) or GeoJSON (.geojson, .json) with level-0 pixel coordinates',
      cause: err,
    });
  }
  throw new WsiHpcError('MASK_INVALID', `${file}: unknown annotation format \`${ext}\``, {
    file,
    hint: 'Use an ASAP/CAMELYON .xml or a .geojson',
  });
}

/** The annotation set of `file`'s text under `groups`. */
export function parseAnnotationText(text: string, file: string, groups: AnnotationGroups): AnnotationSet {
  return splitAnnotationGroups(parseAnnotationPolygons(text, file), groups);
}
