// The `--slides-from` metadata columns merge appends to scores.csv and features/index.csv: named after the
// list's columns (one that collides with a column already there gets a `meta_` prefix), values from plan.json.
import type { PlanFile, PlanSlide } from '../../plan/index.js';

export interface MetadataColumns {
  /** Header names to append, in the list's column order (none when the plan has no slide list). */
  header: string[];
  /** A slide's values for those columns ('' where it has none). */
  values(slide: Pick<PlanSlide, 'metadata'>): string[];
}

/** The metadata columns of `plan` after the table's own `existing` columns. */
export function metadataColumns(plan: Pick<PlanFile, 'slideList'>, existing: readonly string[]): MetadataColumns {
  const columns = plan.slideList?.columns ?? [];
  // A list column keeps its name unless the table has it; a renamed one also avoids the list's other names.
  const used = new Set([...existing, ...columns]);
  const header = columns.map((c) => {
    if (!existing.includes(c)) return c;
    let name = `meta_${c}`;
    while (used.has(name)) name = `meta_${name}`;
    used.add(name);
    return name;
  });
  return {
    header,
    // Own string values only: a column named like an Object method (`constructor`) is not read from the prototype.
    values: (s) =>
      columns.map((c) => (s.metadata && Object.hasOwn(s.metadata, c) && typeof s.metadata[c] === 'string' ? s.metadata[c] : '')),
  };
}
