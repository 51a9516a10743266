// ASAP XML annotations (the CAMELYON16 format): parse to polygons and render polygons back.
// Pure text in, text out; reading files is the caller's job.
import { XMLParser } from 'fast-xml-parser';
import { WsiHpcError } from '../errors.js';
import type { Point, Polygon } from './types.js';

/** ASAP annotation types with an area; Dot, PointSet and Measurement are skipped. */
const AREA_TYPES = new Set(['Polygon', 'Spline', 'Rectangle']);
/** Group that renderAsapXml gives to hole rings, since ASAP polygons have no holes. */
export const ASAP_EXCLUSION_GROUP = 'Exclusion';

interface AsapCoordinate {
  Order?: string;
  X?: string;
  Y?: string;
}
interface AsapAnnotation {
  Name?: string;
  Type?: string;
  PartOfGroup?: string;
  Coordinates?: { Coordinate?: AsapCoordinate[] } | string;
}

/**
 * Parse ASAP XML into one single-ring polygon per area annotation, in document order, with
 * coordinates in level-0 pixels. Holes (CAMELYON16's `_2` group) stay separate polygons: split them
 * with splitAnnotationGroups (annotation-groups.ts). Throws MASK_INVALID when the text is not ASAP XML.
 */
export function readAsapXml(text: string): Polygon[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (name) => name === 'Annotation' || name === 'Coordinate',
  });
  let doc: { ASAP_Annotations?: { Annotations?: { Annotation?: AsapAnnotation[] } | string } };
  try {
    doc = parser.parse(text);
  } catch (cause) {
    throw new WsiHpcError('MASK_INVALID', `Could not parse ASAP XML: ${(cause as Error).message}`, { cause });
  }
  const root = doc.ASAP_Annotations;
  if (root === undefined) {
    throw new WsiHpcError('MASK_INVALID', 'Expected an <ASAP_Annotations> root element', {
      hint: 'ASAP XML looks like <ASAP_Annotations><Annotations><Annotation Type="Polygon">…',
    });
  }
  const annotations = typeof root.Annotations === 'object' ? (root.Annotations.Annotation ?? []) : [];
  return annotations.filter((a) => AREA_TYPES.has(a.Type ?? 'Polygon')).map(toPolygon);
}

function toPolygon(annotation: AsapAnnotation, index: number): Polygon {
  const coords = typeof annotation.Coordinates === 'object' ? (annotation.Coordinates.Coordinate ?? []) : [];
  const ordered = [...coords].sort((a, b) => Number(a.Order ?? 0) - Number(b.Order ?? 0));
  const ring: Point[] = ordered.map((c) => [parseNumber(c.X), parseNumber(c.Y)]);
  const label = annotation.Name ?? `#${index}`;
  if (ring.length < 3 || ring.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) {
    const numeric = ring.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).length;
    const bad = ring.length - numeric;
    throw new WsiHpcError(
      'MASK_INVALID',
      `ASAP annotation "${label}" needs at least 3 numeric coordinates, found ${ring.length}${bad > 0 ? ` of which ${bad} not finite numbers (X/Y must be numbers such as 1234.5)` : ''}`,
    );
  }
  const polygon: Polygon = { rings: [ring] };
  if (annotation.Name !== undefined) polygon.name = annotation.Name;
  if (annotation.PartOfGroup !== undefined && annotation.PartOfGroup !== 'None') polygon.group = annotation.PartOfGroup;
  return polygon;
}

// Some exporters write a decimal comma; accept it when there is no dot.
function parseNumber(raw: string | undefined): number {
  if (raw === undefined) return Number.NaN;
  return Number(raw.includes('.') ? raw : raw.replace(',', '.'));
}

/**
 * Render polygons as ASAP XML (tab-indented, coordinates rounded to 1e-4 px). Unnamed polygons are
 * named "Annotation N"; hole rings become extra annotations in group "Exclusion".
 */
export function renderAsapXml(polygons: readonly Polygon[]): string {
  const lines = ['<?xml version="1.0"?>', '<ASAP_Annotations>', '\t<Annotations>'];
  const groups = new Set<string>();
  polygons.forEach((polygon, index) => {
    const name = polygon.name ?? `Annotation ${index + 1}`;
    const group = polygon.group ?? 'None';
    if (polygon.group !== undefined) groups.add(polygon.group);
    polygon.rings.forEach((ring, k) => {
      if (k > 0) groups.add(ASAP_EXCLUSION_GROUP);
      lines.push(...renderAnnotation(k === 0 ? name : `${name} hole ${k}`, k === 0 ? group : ASAP_EXCLUSION_GROUP, ring));
    });
  });
  lines.push('\t</Annotations>', '\t<AnnotationGroups>');
  for (const group of groups) {
    lines.push(
      `\t\t<Group Name="${escapeXml(group)}" PartOfGroup="None" Color="${groupColour(group)}">`,
      '\t\t\t<Attributes />',
      '\t\t</Group>',
    );
  }
  lines.push('\t</AnnotationGroups>', '</ASAP_Annotations>', '');
  return lines.join('\n');
}

function renderAnnotation(name: string, group: string, ring: readonly Point[]): string[] {
  const closed = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1];
  const points = closed ? ring.slice(0, -1) : ring;
  return [
    `\t\t<Annotation Name="${escapeXml(name)}" Type="Polygon" PartOfGroup="${escapeXml(group)}" Color="${groupColour(group)}">`,
    '\t\t\t<Coordinates>',
    ...points.map(([x, y], order) => `\t\t\t\t<Coordinate Order="${order}" X="${formatNumber(x)}" Y="${formatNumber(y)}" />`),
    '\t\t\t</Coordinates>',
    '\t\t</Annotation>',
  ];
}

function formatNumber(value: number): string {
  return String(Math.round(value * 1e4) / 1e4);
}

function groupColour(group: string): string {
  return group === ASAP_EXCLUSION_GROUP ? '#64FE2E' : '#F4FA58';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
