// Turns the SLIDES arguments (folders, files, globs) into a sorted list of absolute slide paths and
// reports every folder entry or glob match it did not take, with the reason. Folders are read one level
// deep and never followed down, so a symlink loop cannot hang discovery. Reading the slides is left to plan.
import { realpath as realpathCb, stat as statCb, type Stats } from 'node:fs';
import { readdir, readlink, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { type FileSystemAdapter, glob, isDynamicPattern } from 'tinyglobby';
import { OptionError } from '../errors.js';

export const SLIDE_EXTENSIONS = Object.freeze(['.svs', '.tif', '.tiff', '.btf', '.tf8', '.tf2']);

/** Whole-slide formats we recognise but do not read (OpenSlide or vendor formats that are not TIFF). */
const OTHER_WSI_EXTENSIONS = new Set(['.ndpi', '.mrxs', '.scn', '.vms', '.vmu', '.bif', '.czi', '.isyntax', '.dcm', '.svslide']);

/** Why discovery left an entry out. */
export type SkipReason = 'unsupported-format' | 'directory' | 'dangling-symlink' | 'symlink-loop' | 'special-file' | 'unreadable';

export interface SkippedEntry {
  /** Absolute path of the folder entry or glob match. */
  path: string;
  reason: SkipReason;
  /** One line for people, e.g. "unsupported format .ndpi (...)". */
  detail: string;
}

export interface SlideDiscovery {
  /** Absolute slide paths, sorted. */
  slides: string[];
  /** Entries seen but not taken, sorted by path. */
  skipped: SkippedEntry[];
}

function isSlideName(name: string): boolean {
  return SLIDE_EXTENSIONS.includes(extname(name).toLowerCase());
}

function errnoOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}

// The entry exists in its folder but stat() failed: tell a dangling symlink and a loop from the rest.
async function brokenEntry(path: string, err: unknown): Promise<SkippedEntry> {
  const code = errnoOf(err);
  if (code === 'ELOOP') return { path, reason: 'symlink-loop', detail: 'symlink loop (too many levels of symbolic links)' };
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const target = await readlink(path).catch(() => null);
    if (target !== null) return { path, reason: 'dangling-symlink', detail: `dangling symlink to \`${target}\`, which does not exist` };
  }
  return { path, reason: 'unreadable', detail: `cannot read it (${code})` };
}

function unsupported(path: string): SkippedEntry {
  const ext = extname(path).toLowerCase();
  const what = ext ? `unsupported format ${ext}` : 'unsupported format (no extension)';
  const advice = OTHER_WSI_EXTENSIONS.has(ext) ? 'convert it to a pyramidal TIFF' : `slides are ${SLIDE_EXTENSIONS.join(' ')}`;
  return { path, reason: 'unsupported-format', detail: `${what} (${advice})` };
}

// tinyglobby drops the symlinks it cannot resolve (dangling, loops). This file-system adapter hands them
// back as plain files so that the glob still matches them by name and classifyEntry says what is wrong.
const BROKEN_LINK = { isDirectory: () => false, isFile: () => true };
const keepBrokenLinks: FileSystemAdapter = {
  realpath: ((path: string, done: (err: null, resolved: string) => void) =>
    realpathCb(path, (err, resolved) => done(null, err ? path : resolved))) as unknown as FileSystemAdapter['realpath'],
  stat: ((path: string, done: (err: null, st: Pick<Stats, 'isDirectory' | 'isFile'>) => void) =>
    statCb(path, (err, st) => done(null, err ? BROKEN_LINK : st))) as unknown as FileSystemAdapter['stat'],
};

const SPECIAL_FILE = 'not a regular file (FIFO, socket or device)';

/** `null` when `path` is a slide to plan, else why it is skipped. */
async function classifyEntry(path: string): Promise<SkippedEntry | null> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    return brokenEntry(path, err);
  }
  if (st.isDirectory()) {
    const detail = isSlideName(path)
      ? 'a directory named like a slide (a slide must be a single file; folders are not searched recursively)'
      : 'a directory (folders are not searched recursively; pass it as its own argument)';
    return { path, reason: 'directory', detail };
  }
  if (!st.isFile()) return { path, reason: 'special-file', detail: SPECIAL_FILE };
  return isSlideName(path) ? null : unsupported(path);
}

// Files named one by one are planned whatever their extension: plan then says if one is not a slide.
async function classifyInput(input: string, found: Set<string>, skipped: Map<string, SkippedEntry>): Promise<string | null> {
  const take = async (path: string) => {
    const skip = await classifyEntry(path);
    if (skip) skipped.set(path, skip);
    else found.add(path);
  };
  const st = await stat(input).catch((err: unknown) => err as Error);
  if (st instanceof Error) {
    if (!isDynamicPattern(input)) {
      const broken = await brokenEntry(resolve(input), st);
      return broken.reason === 'unreadable' && errnoOf(st) === 'ENOENT' ? `\`${input}\`` : `\`${input}\` (${broken.detail})`;
    }
    const matches = await glob(input, { absolute: true, onlyFiles: false, fs: keepBrokenLinks });
    for (const m of matches) await take(resolve(m));
    return matches.length === 0 ? `\`${input}\`` : null;
  }
  if (!st.isDirectory()) {
    // A FIFO or device named on its own would block (or stream forever) when read: skip it with the reason.
    if (!st.isFile()) skipped.set(resolve(input), { path: resolve(input), reason: 'special-file', detail: SPECIAL_FILE });
    else found.add(resolve(input));
    return null;
  }
  let names: string[];
  try {
    names = await readdir(input);
  } catch (err) {
    const path = resolve(input);
    skipped.set(path, { path, reason: 'unreadable', detail: `cannot list the folder (${errnoOf(err)})` });
    return null;
  }
  for (const name of names) await take(resolve(input, name));
  return null;
}

function listSkipped(skipped: SkippedEntry[]): string {
  const shown = skipped.slice(0, 10).map((s) => `${s.path}: ${s.detail}`);
  if (skipped.length > shown.length) shown.push(`... and ${skipped.length - shown.length} more`);
  return shown.join('; ');
}

/** Every slide the arguments name, and every entry seen but skipped with its reason. */
export async function discoverSlideFiles(inputs: string[]): Promise<SlideDiscovery> {
  const found = new Set<string>();
  const skippedByPath = new Map<string, SkippedEntry>();
  const missing: string[] = [];
  for (const input of inputs) {
    const problem = await classifyInput(input, found, skippedByPath);
    if (problem) missing.push(problem);
  }
  if (missing.length > 0) {
    throw new OptionError(`No such slide file, folder or match: ${missing.join(', ')}`, 'Check the SLIDES arguments; quote globs.');
  }
  const skipped = [...skippedByPath.values()].filter((s) => !found.has(s.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  if (found.size === 0) {
    const seen = skipped.length ? `; skipped ${skipped.length}: ${listSkipped(skipped)}` : '';
    throw new OptionError(
      `No slides found in ${inputs.map((i) => `\`${i}\``).join(', ')} (looked for ${SLIDE_EXTENSIONS.join(' ')})${seen}`,
      'Pass slide files or folders that hold them.',
    );
  }
  return { slides: [...found].sort(), skipped };
}

/** The slide paths only, for callers that do not report skipped entries. */
export async function discoverSlides(inputs: string[]): Promise<string[]> {
  return (await discoverSlideFiles(inputs)).slides;
}
