// GeoJSON polygons (QuPath, GeoPandas, our own exports): parse areas to polygons and render them back.
// Pure text in, text out. Coordinates are taken as level-0 pixels, as QuPath writes them.
import { WsiHpcError } from '../errors.js';
import type { Point, Polygon, Ring } from './types.js';

interface GeoJsonObject {
  type?: string;
  features?: GeoJsonObject[];
  geometry?: GeoJsonObject | null;
  geometries?: GeoJsonObject[];
  coordinates?: unknown;
  properties?: { name?: unknown; group?: unknown; classification?: { name?: unknown } } | null;
}

/**
 * Parse a FeatureCollection, Feature, GeometryCollection, Polygon or MultiPolygon into polygons
 * (first ring outer, then holes; the repeated closing point is dropped). Name comes from
 * `properties.name`, group from `properties.classification.name` (QuPath) or `properties.group`.
 * Points and lines have no area and are skipped. Throws MASK_INVALID on anything malformed.
 */
export function readGeoJsonPolygons(text: string): Polygon[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new WsiHpcError('MASK_INVALID', `Could not parse GeoJSON: ${(cause as Error).message}`, { cause });
  }
  const out: Polygon[] = [];
  collect(doc as GeoJsonObject, {}, out);
  return out;
}

function collect(node: GeoJsonObject, meta: Pick<Polygon, 'name' | 'group'>, out: Polygon[]): void {
  if (node === null || typeof node !== 'object') throw invalid(`expected a GeoJSON object, received ${JSON.stringify(node)}`);
  switch (node.type) {
    case 'FeatureCollection':
      if (node.features !== undefined && !Array.isArray(node.features)) throw invalid('FeatureCollection "features" must be an array');
      for (const feature of node.features ?? []) collect(feature, {}, out);
      return;
    case 'Feature':
      if (node.geometry) collect(node.geometry, featureMeta(node), out);
      return;
    case 'GeometryCollection':
      if (node.geometries !== undefined && !Array.isArray(node.geometries))
        throw invalid('GeometryCollection "geometries" must be an array');
      for (const geometry of node.geometries ?? []) collect(geometry, meta, out);
      return;
    case 'Polygon':
      out.push({ ...meta, rings: toRings(node.coordinates) });
      return;
    case 'MultiPolygon':
      if (!Array.isArray(node.coordinates)) throw invalid('MultiPolygon coordinates must be an array');
      for (const rings of node.coordinates) out.push({ ...meta, rings: toRings(rings) });
      return;
    case 'Point':
    case 'MultiPoint':
    case 'LineString':
    case 'MultiLineString':
      return;
    default:
      throw invalid(`unknown GeoJSON type ${JSON.stringify(node.type)}`);
  }
}

function featureMeta(feature: GeoJsonObject): Pick<Polygon, 'name' | 'group'> {
  const meta: Pick<Polygon, 'name' | 'group'> = {};
  const props = feature.properties ?? {};
  if (typeof props.name === 'string') meta.name = props.name;
  const group = props.classification?.name ?? props.group;
  if (typeof group === 'string') meta.group = group;
  return meta;
}

function toRings(coordinates: unknown): Ring[] {
  if (!Array.isArray(coordinates) || coordinates.length === 0) throw invalid('Polygon coordinates must be a non-empty array of rings');
  return coordinates.map((ring: unknown) => {
    if (!Array.isArray(ring)) throw invalid('a ring must be an array of [x, y] positions');
    const points: Point[] = ring.map((p: unknown) => {
      if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
        throw invalid(`a position must be [x, y] numbers, received ${JSON.stringify(p)}`);
      }
      return [p[0], p[1]];
    });
    const last = points[points.length - 1];
    if (points.length > 1 && last[0] === points[0][0] && last[1] === points[0][1]) points.pop();
    if (points.length < 3) throw invalid(`a ring needs at least 3 distinct positions, found ${points.length}`);
    return points;
  });
}

function invalid(reason: string): WsiHpcError {
  return new WsiHpcError('MASK_INVALID', `Invalid GeoJSON: ${reason}`);
}

/** Render polygons as a GeoJSON FeatureCollection (rings closed, name and group as properties). */
export function renderGeoJson(polygons: readonly Polygon[]): string {
  const features = polygons.map((polygon) => ({
    type: 'Feature',
    properties: {
      ...(polygon.name === undefined ? {} : { name: polygon.name }),
      ...(polygon.group === undefined ? {} : { classification: { name: polygon.group } }),
    },
    geometry: { type: 'Polygon', coordinates: polygon.rings.map((ring) => [...ring, ring[0]]) },
  }));
  return `${JSON.stringify({ type: 'FeatureCollection', features })}\n`;
}
