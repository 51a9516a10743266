// Default annotation groups: the one source of truth for `--tumour-groups` / `--exclude-groups`,
// kept free of imports so that the CLI's --help can read it without loading the geometry code.

/** Group names that select polygons (tumour) and that subtract them (exclusions). */
export interface AnnotationGroups {
  /** Groups whose polygons are tumour (user masks: the included area). @default ['_0', '_1', 'Tumor', 'metastases'] */
  tumour: readonly string[];
  /** Groups whose polygons are subtracted from the tumour area. @default ['_2', 'Exclusion'] */
  exclude: readonly string[];
}

/** CAMELYON16 ASAP groups `_0`, `_1` (tumour) and `_2` (normal inside a tumour outline); CAMELYON17 names. */
export const ANNOTATION_GROUP_DEFAULTS: AnnotationGroups = Object.freeze({
  tumour: Object.freeze(['_0', '_1', 'Tumor', 'metastases']),
  exclude: Object.freeze(['_2', 'Exclusion']),
});
