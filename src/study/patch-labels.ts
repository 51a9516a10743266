// Ground-truth labels for planned patches: a patch is tumour when its centre lies inside the
// annotation set of its slide (tumour groups minus exclusion groups, ASAP/CAMELYON XML or GeoJSON,
// level-0 coordinates). A slide without an annotation file is all normal.
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import {
  ANNOTATION_EXTENSIONS,
  ANNOTATION_GROUP_DEFAULTS,
  type AnnotationGroups,
  type AnnotationSet,
  describeUnknownGroups,
  isInAnnotationSet,
  parseAnnotationText,
} from '../geometry/index.js';
import { assertRegularFile } from '../util/regular-file.js';

export interface SlideAnnotations {
  /** The annotation file found, or null (a normal slide). */
  file: string | null;
  set: AnnotationSet;
  /** A warning naming the file and any group left out, or null. */
  warning: string | null;
}

/** The annotations of a slide: `<dir>/<slide stem>.xml|.geojson|.json`, the first that exists. */
export async function readAnnotationsFor(
  dir: string,
  slidePath: string,
  groups: AnnotationGroups = ANNOTATION_GROUP_DEFAULTS,
): Promise<SlideAnnotations> {
  const stem = basename(slidePath, extname(slidePath));
  for (const ext of ANNOTATION_EXTENSIONS) {
    const file = join(dir, `${stem}${ext}`);
    // Only a missing file means "try the next extension"; a directory, FIFO or device there is an error.
    const isPresent = await assertRegularFile(file, 'MASK_INVALID', 'annotation').then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    if (!isPresent) continue;
    const text = await readFile(file, 'utf8');
    const set = parseAnnotationText(text, file, groups);
    return { file, set, warning: describeUnknownGroups(file, set, groups) };
  }
  return { file: null, set: { tumours: [], exclusions: [], unknownGroups: [] }, warning: null };
}

/** 1 for each patch whose centre is inside `set`, else 0; coords are level-0 top-left corners. */
export function labelPatches(coords: Int32Array, footprintLevel0: number, set: AnnotationSet): Uint8Array {
  const labels = new Uint8Array(coords.length / 2);
  const half = footprintLevel0 / 2;
  for (let i = 0; i < labels.length; i++) labels[i] = isInAnnotationSet(set, coords[2 * i] + half, coords[2 * i + 1] + half) ? 1 : 0;
  return labels;
}
