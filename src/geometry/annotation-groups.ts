// Annotation groups: which polygons of an annotation file are tumour (or, for a user mask, included)
// and which are exclusions subtracted from them (CAMELYON16 `_2`, CAMELYON17 `Exclusion`). Pure.
import { OptionError } from '../errors.js';
import { ANNOTATION_GROUP_DEFAULTS, type AnnotationGroups } from './annotation-group-defaults.js';
import { pointInPolygon } from './point-in-polygon.js';
import { type RasterizeOptions, rasterizePolygons } from './rasterize.js';
import type { Polygon } from './types.js';

export { ANNOTATION_GROUP_DEFAULTS, type AnnotationGroups };

/**
 * An annotation file's area: the union of `tumours` minus the union of `exclusions`. Polygons without
 * a group count as tumour; polygons of a group in neither list are left out and named in `unknownGroups`.
 */
export interface AnnotationSet {
  tumours: Polygon[];
  exclusions: Polygon[];
  /** Groups found that are neither tumour nor exclusion, in order of first appearance. */
  unknownGroups: string[];
}

/** Split a comma list (`"_0,_1, Tumor"`) into trimmed, non-empty group names. */
export function parseGroupList(name: string, raw: string | readonly string[]): string[] {
  const items = (typeof raw === 'string' ? [raw] : raw).flatMap((s) => s.split(',')).map((s) => s.trim());
  const groups = items.filter(Boolean);
  if (groups.length === 0) throw new OptionError(`Expected \`--${name}\` to be a comma list of group names, received \`${String(raw)}\``);
  return groups;
}

/** Groups with defaults filled in; refuses a group named in both lists. */
export function normalizeAnnotationGroups(raw: Partial<AnnotationGroups> = {}): AnnotationGroups {
  const tumour = raw.tumour ? parseGroupList('tumour-groups', raw.tumour) : [...ANNOTATION_GROUP_DEFAULTS.tumour];
  const exclude = raw.exclude ? parseGroupList('exclude-groups', raw.exclude) : [...ANNOTATION_GROUP_DEFAULTS.exclude];
  const both = tumour.filter((g) => exclude.includes(g));
  if (both.length > 0) {
    throw new OptionError(
      `Expected a group in only one of \`--tumour-groups\` and \`--exclude-groups\`, received ${both.map((g) => `\`${g}\``).join(', ')} in both`,
    );
  }
  return Object.freeze({ tumour: Object.freeze(tumour), exclude: Object.freeze(exclude) });
}

/** Sort polygons into tumours and exclusions by their group. */
export function splitAnnotationGroups(polygons: readonly Polygon[], groups: AnnotationGroups = ANNOTATION_GROUP_DEFAULTS): AnnotationSet {
  const set: AnnotationSet = { tumours: [], exclusions: [], unknownGroups: [] };
  for (const p of polygons) {
    if (p.group === undefined || groups.tumour.includes(p.group)) set.tumours.push(p);
    else if (groups.exclude.includes(p.group)) set.exclusions.push(p);
    else if (!set.unknownGroups.includes(p.group)) set.unknownGroups.push(p.group);
  }
  return set;
}

/** True when level-0 point (x, y) is inside a tumour polygon and inside no exclusion polygon. */
export function isInAnnotationSet(set: AnnotationSet, x: number, y: number): boolean {
  return set.tumours.some((p) => pointInPolygon(p, x, y)) && !set.exclusions.some((p) => pointInPolygon(p, x, y));
}

/**
 * Rasterize an annotation set: tumour pixels `value` (default 1), exclusion pixels back to 0, with
 * the same centre-sampling convention as rasterizePolygons (so it agrees with isInAnnotationSet).
 */
export function rasterizeAnnotationSet(
  set: AnnotationSet,
  width: number,
  height: number,
  scale = 1,
  options: Omit<RasterizeOptions, 'into'> = {},
): Uint8Array {
  const out = rasterizePolygons(set.tumours, width, height, scale, options);
  if (set.exclusions.length === 0) return out;
  const holes = rasterizePolygons(set.exclusions, width, height, scale, { ...options, value: 1 });
  for (let i = 0; i < out.length; i++) if (holes[i]) out[i] = 0;
  return out;
}

/** One sentence about groups that were left out, naming the file; null when there are none. */
export function describeUnknownGroups(file: string, set: AnnotationSet, groups: AnnotationGroups): string | null {
  if (set.unknownGroups.length === 0) return null;
  return (
    `${file}: ignored annotation group(s) ${set.unknownGroups.map((g) => `"${g}"`).join(', ')}: neither a tumour group ` +
    `(${groups.tumour.join(',')}) nor an exclusion group (${groups.exclude.join(',')}); list them in --tumour-groups or --exclude-groups`
  );
}
