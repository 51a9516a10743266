// `--tumour-groups` and `--exclude-groups`, shared by evaluate, study and plan; defaults and help
// text come from ANNOTATION_GROUP_DEFAULTS.
import type { Argv } from 'yargs';
import { ANNOTATION_GROUP_DEFAULTS, type AnnotationGroups } from '../geometry/annotation-group-defaults.js';

export interface AnnotationGroupArgs {
  'tumour-groups': string;
  'exclude-groups': string;
}

const HELP = {
  annotations: {
    tumour: 'Comma list of annotation groups that are tumour (ungrouped polygons are too; other groups are left out with a warning)',
    exclude: 'Comma list of annotation groups cut out of the tumour (CAMELYON16 _2: normal tissue inside a tumour outline)',
  },
  masks: {
    tumour: 'Comma list of --masks polygon groups kept as the mask (ungrouped polygons are too; any other group is an error)',
    exclude: 'Comma list of --masks polygon groups cut out of the mask as holes (CAMELYON16 _2)',
  },
} as const;

export function withAnnotationGroupOptions<T>(y: Argv<T>, use: keyof typeof HELP = 'annotations'): Argv<T & AnnotationGroupArgs> {
  return y
    .option('tumour-groups', { type: 'string', default: ANNOTATION_GROUP_DEFAULTS.tumour.join(','), describe: HELP[use].tumour })
    .option('exclude-groups', {
      type: 'string',
      default: ANNOTATION_GROUP_DEFAULTS.exclude.join(','),
      describe: HELP[use].exclude,
    }) as Argv<T & AnnotationGroupArgs>;
}

/** The raw lists for normalizeAnnotationGroups (which splits, trims and validates them). */
export function annotationGroupsFrom(argv: AnnotationGroupArgs): Partial<AnnotationGroups> {
  return { tumour: [argv['tumour-groups']], exclude: [argv['exclude-groups']] };
}
