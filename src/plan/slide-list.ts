// `--slides-from FILE`: reads a slide list (a .csv with a header, or one path per line), resolves its paths
// against the list's folder and checks every listed slide exists. Parsing is pure (parse-slide-list.ts);
// planning the slides is left to the plan stage.
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import pLimit from 'p-limit';
import { WsiHpcError } from '../errors.js';
import { type ListProblem, type ParsedSlideList, parseSlideList, slideListKind } from './parse-slide-list.js';

export { SLIDE_COLUMNS, slideListKind } from './parse-slide-list.js';

/** A checked slide list: every entry an existing file, each listed once. */
export interface SlideList {
  /** Absolute path of the list file. */
  file: string;
  /** Metadata columns in CSV order, without the slide column (none for a plain list). */
  columns: string[];
  entries: Array<{
    /** Absolute path of the slide. */
    path: string;
    /** The row's value of every metadata column, as written (never evaluated). */
    metadata: Record<string, string>;
    /** 1-based line of the list where the entry starts. */
    line: number;
  }>;
}

const fail = (file: string, message: string, hint: string) =>
  new WsiHpcError('INVALID_OPTION', `--slides-from ${file}: ${message}`, { file, hint });

// What is wrong with a listed path, or null when it is a file that can be planned.
async function pathProblem(path: string): Promise<string | null> {
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => err);
  if (st instanceof Error)
    return st.code === 'ENOENT' || st.code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${st.code ?? st.message})`;
  if (st.isDirectory()) return 'is a folder, not a slide file';
  return st.isFile() ? null : 'is not a regular file';
}

// Every listed path that does not exist (or is no file), each with its line.
async function missingSlides(list: ParsedSlideList): Promise<ListProblem[]> {
  const limit = pLimit(16);
  const found = await Promise.all(
    list.entries.map((e) =>
      limit(async () => {
        const why = await pathProblem(e.path);
        return why ? { line: e.line, message: `\`${e.text}\` (${e.path}) ${why}` } : null;
      }),
    ),
  );
  return found.filter((p): p is ListProblem => p !== null);
}

// The fix to suggest for a list's row problems.
function rowHint(list: ParsedSlideList, problems: ListProblem[], base: string): string {
  const first = list.entries[0];
  const looksLikeHeader = list.kind === 'plain' && first && /^(slide|path|wsi)\s*(,|$)/i.test(first.text);
  const plainAsCsv =
    looksLikeHeader && problems.some((p) => p.line === first.line)
      ? ' This file is read as one path per line because its name does not end in .csv; rename it to .csv to read its first line as a header.'
      : '';
  return `Fix or remove the lines named; relative paths are relative to ${base}.${plainAsCsv}`;
}

/**
 * Reads and checks a `--slides-from` list. A file ending in `.csv` is CSV with a header naming the slide
 * column (`slide`, `path` or `wsi`, any case; other columns are metadata); any other file holds one path
 * per line (blank lines and lines starting with `#` ignored). Relative paths are relative to the list's folder
 * (to the current folder when the list is a pipe). Throws an INVALID_OPTION WsiHpcError naming
 * the file and every bad line.
 */
export async function readSlideList(file: string): Promise<SlideList> {
  const abs = resolve(file);
  // A pipe (`--slides-from <(ls slides/*.svs)`) has no folder of its own: its relative paths are the shell's.
  const st = await stat(abs).catch(() => null);
  const isPipe = st !== null && !st.isFile() && !st.isDirectory();
  const dir = isPipe ? process.cwd() : dirname(abs);
  const kind = slideListKind(abs);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a list' : `cannot read it (${code})`;
    throw fail(abs, what, 'Give a .csv file with a header (slide, path or wsi column) or a text file with one slide path per line');
  }
  const parsed = parseSlideList(text, abs, kind, dir);
  if (parsed.headerProblem) throw fail(abs, parsed.headerProblem.message, parsed.headerProblem.hint);
  const problems = [...parsed.problems, ...(await missingSlides(parsed))].sort((a, b) => a.line - b.line);
  if (problems.length > 0) {
    const lines = problems.map((p) => `  line ${p.line}: ${p.message}`).join('\n');
    throw fail(
      abs,
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the list:\n${lines}`,
      rowHint(parsed, problems, isPipe ? `the current folder (${dir}), the list being a pipe` : `the list's folder (${dir})`),
    );
  }
  if (parsed.entries.length === 0) {
    const fix =
      kind === 'csv' ? 'Add one row per slide under the header' : 'Add one slide path per line (lines starting with # are comments)';
    throw fail(abs, 'the list names no slides', fix);
  }
  return {
    file: abs,
    columns: parsed.columns,
    entries: parsed.entries.map((e) => ({ path: e.path, metadata: e.metadata, line: e.line })),
  };
}
