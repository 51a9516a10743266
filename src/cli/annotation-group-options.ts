// `--tumour-groups` and `--exclude-groups`, shared by evaluate, study and plan; defaults and help
// text come from ANNOTATION_GROUP_DEFAULTS.
import type { Argv } from 'yargs';
import { ANNOTATION_GROUP_DEFAULTS, type AnnotationGroups } from '../geometry/annotation-group-defaults.js';

export interface AnnotationGroupArgs {
  'tumour-groups': string;
  'exclude-groups': string;
}

export function withAnnotationGroupOptions<T>(y: Argv<T>, what = 'annotations'): Argv<T & AnnotationGroupArgs> {
  return y
    .option('tumour-groups', {
      type: 'string',
      default: ANNOTATION_GROUP_DEFAULTS.tumour.join(','),
      describe: `Comma list of ${what} groups that are tumour (polygons without a group count too; other groups are reported and left out)`,
    })
    .option('exclude-groups', {
      type: 'string',
      default: ANNOTATION_GROUP_DEFAULTS.exclude.join(','),
      describe: `Comma list of ${what} groups subtracted from the tumour area (CAMELYON16 _2: normal tissue inside a tumour outline)`,
    }) as Argv<T & AnnotationGroupArgs>;
}

/** The raw lists for normalizeAnnotationGroups (which splits, trims and validates them). */
export function annotationGroupsFrom(argv: AnnotationGroupArgs): Partial<AnnotationGroups> {
  return { tumour: [argv['tumour-groups']], exclude: [argv['exclude-groups']] };
}
