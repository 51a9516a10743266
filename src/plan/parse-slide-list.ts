// Parses the text of a `--slides-from` list into entries and problems, each with its line. Pure: no fs
// (whether the listed slides exist is checked by slide-list.ts); CSV parsing is util/csv.ts.
import { dirname, extname, resolve } from 'node:path';
import { CsvSyntaxError, type CsvRecord, parseCsvRecords } from '../util/csv.js';

/** Header names (any case) of the column that holds the slide paths; `wsi` is TRIDENT's `--custom_list_of_wsis`. */
export const SLIDE_COLUMNS = ['slide', 'path', 'wsi'] as const;

export type SlideListKind = 'csv' | 'plain';

/** A problem of one line of the list. */
export interface ListProblem {
  line: number;
  message: string;
}

export interface ParsedSlideList {
  kind: SlideListKind;
  columns: string[];
  /** `text` is the path as written, `path` made absolute against the list's folder. */
  entries: Array<{ text: string; path: string; metadata: Record<string, string>; line: number }>;
  /** Row problems (wrong field count, empty path, a slide listed twice). */
  problems: ListProblem[];
  /** A problem that stops reading the rows at all (no slide column, bad CSV). */
  headerProblem?: { message: string; hint: string };
}

/** A `.csv` file (any case) is CSV with a header; anything else holds one path per line. */
export function slideListKind(file: string): SlideListKind {
  return extname(file).toLowerCase() === '.csv' ? 'csv' : 'plain';
}

const HEADER_HINT = `Name the column of slide paths ${SLIDE_COLUMNS.join(', ')} (any case) in the first line; for a plain list of paths without a header, give a file whose name does not end in .csv`;

// The slide column's index, or the problem with the header.
function slideColumn(names: string[]): number | { message: string; hint: string } {
  const empty = names.indexOf('');
  if (empty >= 0)
    return { message: `line 1: column ${empty + 1} of the header has no name`, hint: 'Give every column of the header a name' };
  const seen = new Map<string, number>();
  for (const [i, n] of names.entries()) {
    const j = seen.get(n);
    if (j !== undefined)
      return {
        message: `line 1: column \`${n}\` appears twice (columns ${j + 1} and ${i + 1})`,
        hint: 'Give every column a distinct name',
      };
    seen.set(n, i);
  }
  const hits = names.flatMap((n, i) => ((SLIDE_COLUMNS as readonly string[]).includes(n.toLowerCase()) ? [i] : []));
  if (hits.length > 1) {
    const which = hits.map((i) => `\`${names[i]}\``).join(', ');
    return {
      message: `line 1: the header has ${hits.length} slide columns (${which}); it is unclear which holds the slides`,
      hint: `Keep one column named ${SLIDE_COLUMNS.join(', ')} and rename the others (e.g. to slide_name)`,
    };
  }
  if (hits.length === 0) {
    const found = names.map((n) => `\`${n}\``).join(', ');
    return { message: `line 1: the header has no slide column (${SLIDE_COLUMNS.join(', ')}); its columns are ${found}`, hint: HEADER_HINT };
  }
  return hits[0];
}

// A row whose fields are all empty: a blank line, or the `,,,` a spreadsheet leaves under a table.
const isBlank = (r: CsvRecord) => r.fields.every((f) => f.trim() === '');

function parseCsvList(text: string, dir: string): ParsedSlideList {
  const out: ParsedSlideList = { kind: 'csv', columns: [], entries: [], problems: [] };
  let records: CsvRecord[];
  try {
    records = parseCsvRecords(text, { isStrict: true });
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    out.headerProblem = {
      message: `line ${err.line}: not valid CSV: ${err.message}`,
      hint: 'Quote a field holding commas, quotes or line breaks, and double the quotes inside it ("say ""hi""")',
    };
    return out;
  }
  const [header, ...rows] = records;
  if (!header || isBlank(header)) {
    out.headerProblem = { message: 'line 1: no header (the first line must name the columns)', hint: HEADER_HINT };
    return out;
  }
  const names = header.fields.map((n) => n.trim());
  const col = slideColumn(names);
  if (typeof col !== 'number') {
    out.headerProblem = col;
    return out;
  }
  out.columns = names.filter((_, i) => i !== col);
  for (const r of rows) {
    if (isBlank(r)) continue;
    if (r.fields.length !== names.length) {
      out.problems.push({ line: r.line, message: `${r.fields.length} field(s), but the header has ${names.length}` });
      continue;
    }
    const text = r.fields[col].trim();
    if (!text) {
      out.problems.push({ line: r.line, message: `no slide path (the \`${names[col]}\` field is empty)` });
      continue;
    }
    // fromEntries defines own properties: a column named __proto__ is kept as data, not a prototype.
    const metadata = Object.fromEntries(names.flatMap((n, i) => (i === col ? [] : [[n, r.fields[i]]]))) as Record<string, string>;
    out.entries.push({ text, path: resolve(dir, text), metadata, line: r.line });
  }
  return out;
}

function parsePlainList(text: string, dir: string): ParsedSlideList {
  const out: ParsedSlideList = { kind: 'plain', columns: [], entries: [], problems: [] };
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\n|\r/);
  for (const [i, raw] of lines.entries()) {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) continue;
    out.entries.push({ text: t, path: resolve(dir, t), metadata: {}, line: i + 1 });
  }
  return out;
}

// Every slide listed more than once, named on each repeated line with the line of its first listing.
function duplicates(list: ParsedSlideList): ListProblem[] {
  const first = new Map<string, number>();
  const out: ListProblem[] = [];
  for (const e of list.entries) {
    const line = first.get(e.path);
    if (line === undefined) first.set(e.path, e.line);
    else out.push({ line: e.line, message: `\`${e.text}\` is listed again (first on line ${line})` });
  }
  return out;
}

/** The entries and problems of list `text` read from `file` (absolute); relative paths are relative to `dir`. */
export function parseSlideList(
  text: string,
  file: string,
  kind: SlideListKind = slideListKind(file),
  dir = dirname(file),
): ParsedSlideList {
  const list = kind === 'csv' ? parseCsvList(text, dir) : parsePlainList(text, dir);
  list.problems.push(...duplicates(list));
  const repeated = new Set(list.problems.map((p) => p.line));
  // A repeated entry is reported once, as repeated; it is not planned twice or checked twice for existence.
  list.entries = list.entries.filter((e) => !repeated.has(e.line));
  return list;
}
