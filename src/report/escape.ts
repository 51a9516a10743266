// HTML escaping for every string that reaches the report: slide names, paths, errors, study
// cells. Pure. Escapes the five characters that matter in text and in quoted attributes.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or a double/single-quoted attribute value, safe whatever the input holds. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * A relative link target inside the run folder: each path segment percent-encoded, then escaped,
 * so a name with `?`, `#` or `%` still points at the file.
 */
export function escapeHref(relativePath: string): string {
  return escapeHtml(relativePath.split('/').map(encodeURIComponent).join('/'));
}
