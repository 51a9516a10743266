// Public entry point of the geometry module: polygon types, rasterization, ASAP XML and GeoJSON.
export type { Box, FillRule, Point, Polygon, Ring } from './types.js';
export { rasterizePolygons } from './rasterize.js';
export type { RasterizeOptions } from './rasterize.js';
export { pointInPolygon } from './point-in-polygon.js';
export { markOutlineCells } from './outline-cells.js';
export { readAsapXml, renderAsapXml, ASAP_EXCLUSION_GROUP } from './asap-xml.js';
export { readGeoJsonPolygons, renderGeoJson } from './geojson.js';
export {
  ANNOTATION_GROUP_DEFAULTS,
  describeUnknownGroups,
  isInAnnotationSet,
  normalizeAnnotationGroups,
  parseGroupList,
  rasterizeAnnotationSet,
  splitAnnotationGroups,
} from './annotation-groups.js';
export type { AnnotationGroups, AnnotationSet } from './annotation-groups.js';
export { ANNOTATION_EXTENSIONS, parseAnnotationPolygons, parseAnnotationText } from './parse-annotations.js';
